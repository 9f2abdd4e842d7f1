#include "crawl/blocking_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace overlap::crawl {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
error_code last_error() { return {errno, boost::system::system_category()}; }
} // namespace

void blocking_stream::close() noexcept {
  if (ssl_ != nullptr) {
    http::keep_session_resumable(ssl_);
    SSL_free(ssl_); // no close_notify: the connection is dropped, as a plain one is
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

error_code blocking_stream::connect(const asio::ip::tcp::endpoint& endpoint) {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    return last_error();
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0) {
    return {};
  }
  if (errno != EINPROGRESS) {
    return last_error();
  }
  if (auto ec = wait_for(POLLOUT)) {
    return ec;
  }
  int error = 0;
  socklen_t length = sizeof error;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
  return {error, boost::system::system_category()};
}

error_code blocking_stream::handshake(http::tls_client& tls, const std::string& host, std::uint16_t port) {
  ssl_ = SSL_new(tls.context().native_handle());
  if (ssl_ == nullptr) {
    return asio::error::no_memory;
  }
  tls.prepare(ssl_, host, port);
  SSL_set_fd(ssl_, fd_);
  SSL_set_connect_state(ssl_);
  for (;;) {
    ERR_clear_error();
    errno = 0;
    short wait = 0;
    auto ec = tls_result(SSL_do_handshake(ssl_), wait);
    if (!ec && wait == 0) {
      tls.handshake_done(ssl_);
      return {};
    }
    if (!ec) {
      ec = wait_for(wait);
    }
    if (ec) {
      if (!timed_out_) {
        tls.handshake_failed(ssl_, ec);
      }
      return ec;
    }
  }
}

error_code blocking_stream::tls_result(int rc, short& wait_events) {
  wait_events = 0;
  if (rc > 0) {
    return {};
  }
  switch (SSL_get_error(ssl_, rc)) {
  case SSL_ERROR_WANT_READ: wait_events = POLLIN; return {};
  case SSL_ERROR_WANT_WRITE: wait_events = POLLOUT; return {};
  case SSL_ERROR_ZERO_RETURN: return asio::error::eof; // the server's close_notify
  case SSL_ERROR_SYSCALL: return errno != 0 ? last_error() : error_code(asio::ssl::error::stream_truncated);
  default: break;
  }
  const auto error = ERR_get_error();
  if (ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    return asio::ssl::error::stream_truncated; // closed without close_notify, as Asio says it
  }
  return {static_cast<int>(error), asio::error::get_ssl_category()};
}

error_code blocking_stream::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    short wait = 0;
    error_code ec;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      errno = 0;
      const int n = SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 30)));
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      ec = tls_result(n, wait);
    } else {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n >= 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (errno != EAGAIN && errno != EINTR) {
        return last_error();
      }
      wait = POLLOUT;
    }
    if (ec || (wait != 0 && (ec = wait_for(wait)))) {
      return ec;
    }
  }
  return {};
}

std::size_t blocking_stream::read_into(void* data, std::size_t size, error_code& ec) {
  for (;;) {
    short wait = POLLIN;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      errno = 0;
      const int n = SSL_read(ssl_, data, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
      if (n > 0) {
        ec = {};
        return static_cast<std::size_t>(n);
      }
      if ((ec = tls_result(n, wait))) {
        return 0;
      }
    } else {
      const auto n = ::recv(fd_, data, size, 0);
      if (n > 0) {
        ec = {};
        return static_cast<std::size_t>(n);
      }
      if (n == 0) {
        ec = asio::error::eof;
        return 0;
      }
      if (errno != EAGAIN && errno != EINTR) {
        ec = last_error();
        return 0;
      }
    }
    if (wait != 0 && (ec = wait_for(wait))) {
      return 0;
    }
  }
}

error_code blocking_stream::wait_for(short events) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - steady_clock::now()).count();
    if (left <= 0) {
      timed_out_ = true;
      return asio::error::timed_out;
    }
    pollfd p{fd_, events, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
    if (ready > 0) {
      return {};
    }
    if (ready < 0 && errno != EINTR) {
      return last_error();
    }
  }
}

} // namespace overlap::crawl
