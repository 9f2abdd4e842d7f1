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
constexpr std::string_view interim_responses =
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
constexpr std::string_view truncated_head = "HTTP/1.1 200 OK\r\nContent-Le";
constexpr std::string_view endless_head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
constexpr std::string_view busy_response =
    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 5\r\n\r\nbusy\n";
// An endless body stops here if the client never leaves (any client's body limit is lower).
constexpr std::size_t endless_body_bound_bytes = 256 * 1024 * 1024;

enum class fault { none, status_500, reset, malformed, interim, truncated, endless, busy };

// Expected errors are values in serve(); anything else stops the test loudly.
void rethrow(const std::exception_ptr& e) {
  if (e) {
    std::rethrow_exception(e);
  }
}
} // namespace

struct fault_server::impl {
  explicit impl(fault_style s) : style(s) {}

  fault_style style;
  asio::io_context ctx{1};
  tcp::acceptor acceptor{ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  mutable std::mutex mutex;
  fault_counts counts;
  std::set<std::string> seen;

  fault decide(const std::string& target) {
    std::lock_guard lock(mutex);
    ++counts.requests;
    const bool first_time = seen.insert(target).second;
    switch (style) {
    case fault_style::hashed_faults: break;
    case fault_style::interim_then_ok: return fault::interim;
    case fault_style::truncated_head: return fault::truncated;
    case fault_style::endless_body: return fault::endless;
    case fault_style::busy_then_ok: return first_time ? (++counts.busy_503, fault::busy) : fault::none;
    }
    if (!first_time) {
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
      case fault::truncated: co_await asio::async_write(socket, asio::buffer(truncated_head), use_tuple); co_return;
      case fault::endless: co_await send_endless_body(socket); co_return;
      case fault::busy:
        std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(busy_response), use_tuple);
        break;
      case fault::interim:
        std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(interim_responses), use_tuple);
        if (!ec) {
          std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(ok_response), use_tuple);
        }
        break;
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

  static asio::awaitable<void> send_endless_body(tcp::socket& socket) {
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(endless_head), use_tuple);
    const std::string chunk(64 * 1024, 'x');
    for (std::size_t sent = 0; !ec && sent < endless_body_bound_bytes; sent += chunk.size()) {
      std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(chunk), use_tuple);
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

fault_server::fault_server(fault_style style) : impl_(std::make_unique<impl>(style)) {
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
