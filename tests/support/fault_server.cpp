#include "support/fault_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace overlap::test {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view ok_response = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n.";
constexpr std::string_view error_response = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 6\r\n\r\nfault\n";
constexpr std::string_view malformed_response = "HTTX/9 banana\r\nno colon here\r\n\r\n";

enum class fault { none, status_500, reset, malformed };

// Expected errors are values in serve(); anything else stops the test loudly.
void rethrow(const std::exception_ptr& e) {
  if (e) {
    std::rethrow_exception(e);
  }
}
} // namespace

struct fault_server::impl {
  asio::io_context ctx{1};
  tcp::acceptor acceptor{ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  mutable std::mutex mutex;
  fault_counts counts;
  std::set<std::string> seen;

  fault decide(const std::string& target) {
    std::lock_guard lock(mutex);
    ++counts.requests;
    if (!seen.insert(target).second) {
      return fault::none; // faulty only the first time: a retry succeeds
    }
    switch (std::hash<std::string>{}(target) % 10) {
    case 0: ++counts.status_500; return fault::status_500;
    case 1: ++counts.resets; return fault::reset;
    case 2: ++counts.malformed; return fault::malformed;
    default: return fault::none;
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    std::string buffer;
    for (;;) {
      auto [ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n", use_tuple);
      if (ec) {
        co_return;
      }
      const std::string head = buffer.substr(0, n);
      buffer.erase(0, n);
      const auto first_space = head.find(' ');
      const auto second_space = head.find(' ', first_space + 1);
      const bool close = head.find("Connection: close") != std::string::npos;
      switch (decide(head.substr(first_space + 1, second_space - first_space - 1))) {
      case fault::reset:
        socket.set_option(asio::socket_base::linger(true, 0)); // close sends RST
        co_return;
      case fault::malformed: co_await asio::async_write(socket, asio::buffer(malformed_response), use_tuple); co_return;
      case fault::status_500:
        std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(error_response), use_tuple);
        break;
      case fault::none:
        std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(ok_response), use_tuple);
        break;
      }
      if (ec || close) {
        co_return;
      }
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec) {
        co_return;
      }
      {
        std::lock_guard lock(mutex);
        ++counts.connections;
      }
      asio::co_spawn(ctx, serve(std::move(socket)), rethrow);
    }
  }
};

fault_server::fault_server() : impl_(std::make_unique<impl>()) {
  asio::co_spawn(impl_->ctx, impl_->accept_loop(), rethrow);
  impl_->thread = std::thread([this] { impl_->ctx.run(); });
}

fault_server::~fault_server() {
  impl_->ctx.stop();
  impl_->thread.join();
}

std::uint16_t fault_server::port() const { return impl_->acceptor.local_endpoint().port(); }

fault_counts fault_server::counts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->counts;
}

} // namespace overlap::test
