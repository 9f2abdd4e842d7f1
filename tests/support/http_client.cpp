#include "support/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <unistd.h>

namespace overlap::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

http::request<http::string_body> make_request(std::string_view method, std::string_view target, std::string_view body,
                                              const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) {
    req.set(name, value);
  }
  if (!body.empty() || method == "POST") {
    req.body() = std::string(body);
    req.prepare_payload();
  }
  return req;
}

http_reply to_reply(const http::response<http::string_body>& res) {
  http_reply reply;
  reply.status = static_cast<int>(res.result_int());
  reply.body = res.body();
  reply.keep_alive = res.keep_alive();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    reply.headers[name] = std::string(field.value());
  }
  return reply;
}

tcp::endpoint loopback(std::uint16_t port) { return {asio::ip::make_address("127.0.0.1"), port}; }

} // namespace

struct http_connection::impl {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

http_connection::http_connection(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->socket.connect(loopback(port));
}

http_connection::~http_connection() = default;

http_reply http_connection::request(std::string_view method, std::string_view target, std::string_view body) {
  http::write(impl_->socket, make_request(method, target, body, {}));
  return read_reply();
}

void http_connection::send_raw(std::string_view bytes) { asio::write(impl_->socket, asio::buffer(bytes)); }

http_reply http_connection::read_reply() {
  http::response<http::string_body> res;
  http::read(impl_->socket, impl_->buffer, res);
  return to_reply(res);
}

bool http_connection::wait_for_close(std::chrono::milliseconds timeout) {
  bool closed = false;
  std::array<char, 4096> scratch{};
  asio::steady_timer timer(impl_->ioc, timeout);
  timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) {
      impl_->socket.cancel();
    }
  });
  std::function<void()> read_more = [&] {
    impl_->socket.async_read_some(asio::buffer(scratch), [&](boost::system::error_code ec, std::size_t) {
      if (ec == asio::error::operation_aborted) {
        return;
      }
      if (ec) {
        closed = true;
        timer.cancel();
        return;
      }
      read_more();
    });
  };
  read_more();
  impl_->ioc.restart();
  impl_->ioc.run();
  return closed;
}

http_reply http_request(std::uint16_t port, std::string_view method, std::string_view target, std::string_view body,
                        std::map<std::string, std::string> headers) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(loopback(port));
  http::write(socket, make_request(method, target, body, headers));
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return to_reply(res);
}

std::string raw_exchange(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds timeout) {
  return raw_conversation(port, bytes, timeout).received;
}

raw_reply raw_conversation(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(loopback(port));
  boost::system::error_code write_ec;
  asio::write(socket, asio::buffer(bytes), write_ec); // the server may answer and close before all is sent
  raw_reply reply;
  std::array<char, 4096> scratch{};
  asio::steady_timer timer(ioc, timeout);
  timer.async_wait([&](boost::system::error_code ec) {
    if (!ec) {
      socket.cancel();
    }
  });
  std::function<void()> read_more = [&] {
    socket.async_read_some(asio::buffer(scratch), [&](boost::system::error_code ec, std::size_t n) {
      reply.received.append(scratch.data(), n);
      if (ec) {
        reply.closed = ec != asio::error::operation_aborted;
        timer.cancel();
        return;
      }
      read_more();
    });
  };
  read_more();
  ioc.run();
  return reply;
}

void send_and_disconnect(std::uint16_t port, std::string_view bytes, bool abort) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(loopback(port));
  asio::write(socket, asio::buffer(bytes));
  if (abort) {
    socket.set_option(asio::socket_base::linger(true, 0)); // close() then sends RST
  }
  socket.close();
}

namespace {

asio::awaitable<void> fetch_each(std::uint16_t port, const std::vector<std::string>& targets, std::size_t& next,
                                 std::vector<http_reply>& replies) {
  auto executor = co_await asio::this_coro::executor;
  while (next < targets.size()) {
    const std::size_t index = next++;
    beast::tcp_stream stream(executor);
    co_await stream.async_connect(loopback(port), asio::use_awaitable);
    co_await http::async_write(stream, make_request("GET", targets[index], {}, {}), asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    replies[index] = to_reply(res);
  }
}

} // namespace

std::vector<http_reply> concurrent_gets(std::uint16_t port, const std::vector<std::string>& targets,
                                        std::size_t concurrency) {
  asio::io_context ioc;
  std::vector<http_reply> replies(targets.size());
  std::size_t next = 0;
  std::exception_ptr failure;
  for (std::size_t i = 0; i < std::min(concurrency, targets.size()); ++i) {
    asio::co_spawn(ioc, fetch_each(port, targets, next, replies), [&failure](const std::exception_ptr& e) {
      if (e && !failure) {
        failure = e;
      }
    });
  }
  ioc.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return replies;
}

namespace {

struct post_queue {
  std::vector<keyed_post>& items;
  std::size_t next = 0;
  std::size_t answered = 0;
  const std::function<void(std::size_t)>& after_each;
};

asio::awaitable<void> post_each(std::uint16_t port, post_queue& queue) {
  auto executor = co_await asio::this_coro::executor;
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  beast::tcp_stream stream(executor);
  auto [connect_ec] = co_await stream.async_connect(loopback(port), tuple);
  beast::flat_buffer buffer;
  while (!connect_ec && queue.next < queue.items.size()) {
    auto& item = queue.items[queue.next++];
    std::map<std::string, std::string> headers;
    headers.emplace("Idempotency-Key", item.key);
    const auto request = make_request("POST", "/add", item.body, headers);
    auto [write_ec, w] = co_await http::async_write(stream, request, tuple);
    http::response<http::string_body> res;
    auto [read_ec, r] = co_await http::async_read(stream, buffer, res, tuple);
    if (write_ec || read_ec) {
      co_return;
    }
    item.status = static_cast<int>(res.result_int());
    item.replayed = res["Idempotent-Replayed"] == "true";
    item.answer = res.body();
    if (queue.after_each) {
      queue.after_each(++queue.answered);
    }
  }
}

} // namespace

void post_results(std::uint16_t port, std::vector<keyed_post>& items, std::size_t concurrency,
                  const std::function<void(std::size_t)>& after_each) {
  asio::io_context ioc;
  post_queue queue{items, 0, 0, after_each};
  std::exception_ptr failure;
  for (std::size_t i = 0; i < std::min(concurrency, items.size()); ++i) {
    asio::co_spawn(ioc, post_each(port, queue), [&failure](const std::exception_ptr& e) {
      if (e && !failure) {
        failure = e;
      }
    });
  }
  ioc.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
}

delay_server_options running_server::defaults() {
  delay_server_options options;
  options.port = 0;
  options.metrics_file =
      std::filesystem::temp_directory_path() / ("overlap-test-" + std::to_string(::getpid()) + "-metric_data.json");
  return options;
}

running_server::running_server(delay_server_options options) : server_(std::make_unique<delay_server>(options)) {
  server_->start();
}

running_server::~running_server() {
  std::error_code ignored;
  std::filesystem::remove(server_->options().metrics_file, ignored);
}

} // namespace overlap::test
