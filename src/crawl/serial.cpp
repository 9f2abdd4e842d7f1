// The requests crawler: a blocking client, one request at a time. Each call blocks
// the thread until it is done (poll() bounds every wait by the timeout, as requests'
// socket timeouts do); with keep-alive one connection serves every request.
#include "crawl/crawl_job.hpp"
#include "http/client_connection.hpp"
#include "http/request_text.hpp"
#include "http/response_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace overlap::crawl {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

error_code last_error() { return {errno, boost::system::system_category()}; }

/// A blocking TCP stream with a deadline, in the shape Beast's synchronous read wants.
class blocking_stream {
public:
  blocking_stream() = default;
  blocking_stream(const blocking_stream&) = delete;
  blocking_stream& operator=(const blocking_stream&) = delete;
  ~blocking_stream() { close(); }

  bool is_open() const noexcept { return fd_ >= 0; }
  bool timed_out() const noexcept { return timed_out_; }
  void set_deadline(steady_clock::time_point deadline) noexcept {
    deadline_ = deadline;
    timed_out_ = false;
  }
  void close() noexcept {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  error_code connect(const asio::ip::tcp::endpoint& endpoint) {
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

  error_code write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n >= 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (errno != EAGAIN && errno != EINTR) {
        return last_error();
      } else if (auto ec = wait_for(POLLOUT)) {
        return ec;
      }
    }
    return {};
  }

  // SyncReadStream, as beast::http::read uses it.
  template <typename MutableBuffers> std::size_t read_some(const MutableBuffers& buffers, error_code& ec) {
    const asio::mutable_buffer first = *asio::buffer_sequence_begin(buffers);
    for (;;) {
      const auto n = ::recv(fd_, first.data(), first.size(), 0);
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
      if ((ec = wait_for(POLLIN))) {
        return 0;
      }
    }
  }
  template <typename MutableBuffers> std::size_t read_some(const MutableBuffers& buffers) {
    error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec) {
      throw boost::system::system_error(ec);
    }
    return n;
  }

private:
  /// Blocks until the socket is ready for `events` or the deadline passes.
  error_code wait_for(short events) {
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

  int fd_ = -1;
  steady_clock::time_point deadline_ = steady_clock::time_point::max();
  bool timed_out_ = false;
};

struct serial_client {
  crawl_job& job;
  blocking_stream stream;
  boost::beast::flat_buffer buffer{http::header_limit_bytes + http::body_limit_bytes};
  std::string request;
  std::string body;
  std::size_t opened = 0;

  std::size_t connected_to = 0; // the endpoint the open stream is connected to

  /// One attempt at `target`.
  attempt_outcome attempt(const request_template& t, const std::string& target) {
    const auto& endpoint = job.endpoints[t.endpoint];
    http::format_request(request, t.method, target, endpoint.host_header, job.options.keep_alive,
                         job.requests.headers(), t.body);
    stream.set_deadline(steady_clock::now() + job.options.timeout);
    if (stream.is_open() && connected_to != t.endpoint) {
      stream.close(); // one connection at a time: the next host needs its own
    }
    auto fail = [&](http_phase phase, const error_code& ec) {
      stream.close();
      return attempt_outcome::failed(http::classify_failure(phase, ec, stream.timed_out()));
    };
    if (!stream.is_open()) {
      buffer.clear();
      ++opened;
      connected_to = t.endpoint;
      if (const auto ec = stream.connect(endpoint.address)) {
        return fail(http_phase::connect, ec);
      }
    }
    if (const auto ec = stream.write_all(request)) {
      return fail(http_phase::write, ec);
    }
    http::response_reader reader(body, http::body_limit_bytes, t.head);
    error_code ec;
    http::read_response(stream, buffer, reader, ec);
    if (ec) {
      return fail(http_phase::read, ec);
    }
    if (!reader.keep_alive() || !job.options.keep_alive) {
      stream.close();
    }
    return attempt_outcome::answer(reader.status(), body.size(), reader.retry_after());
  }
};

} // namespace

void crawl_serial(crawl_job& job) {
  serial_client client{job};
  std::string target;
  job.accounting.begin();
  for (std::uint64_t i = 0; job.may_start(i); ++i) {
    const auto& t = job.next_request(i, target);
    request_attempts request(job, i);
    while (const auto pause = request.after(client.attempt(t, target))) {
      std::this_thread::sleep_for(*pause); // blocking, like everything here
    }
  }
  job.connections_opened = client.opened;
}

} // namespace overlap::crawl
