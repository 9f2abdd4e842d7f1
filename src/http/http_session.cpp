// http_session: a capped pool of keep-alive connections driven by C++20 coroutines.
#include "overlap/http_session.hpp"

#include "http/client_connection.hpp"
#include "http/request_text.hpp"
#include "http/response_reader.hpp"
#include "overlap/async_semaphore.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <vector>

namespace overlap {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using connection_ptr = std::shared_ptr<http::client_connection>;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
} // namespace

struct http_session::impl {
  impl(asio::any_io_executor ex, http_session_options o)
      : executor(std::move(ex)), options(std::move(o)), slots(executor, options.max_connections),
        host_header(options.host_header ? *options.host_header : http::host_header_for(options.host, options.port)) {
    if (options.max_connections == 0) {
      throw std::invalid_argument("http_session: max_connections must be at least 1");
    }
    tcp::resolver resolver(executor);
    const auto results = resolver.resolve(options.host, std::to_string(options.port));
    endpoint = results.begin()->endpoint();
    idle.reserve(options.max_connections);
    if (options.tls) {
      tls = std::make_unique<http::tls_client>(*options.tls);
      peer = {tls.get(), options.tls_server_name.empty() ? options.host : options.tls_server_name, options.port};
    }
  }

  asio::any_io_executor executor;
  http_session_options options;
  async_semaphore slots; // one unit per connection that may exist
  std::string host_header;
  tcp::endpoint endpoint;
  std::unique_ptr<http::tls_client> tls; // null for http://
  http::tls_peer peer;                   // where its connections go
  std::vector<connection_ptr> idle;      // most recently used last
  std::size_t open = 0;
  std::size_t opened = 0;

  connection_ptr take_connection() {
    if (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      return c;
    }
    ++open;
    ++opened;
    return std::make_shared<http::client_connection>(executor, options.body_limit_bytes, peer);
  }

  void give_back(connection_ptr c, bool reusable) {
    if (reusable && c->is_open()) {
      c->stop_deadline();
      idle.push_back(std::move(c));
    } else {
      c->close();
      --open;
    }
    slots.release();
  }

  asio::awaitable<http_response> exchange(http::client_connection& c, bool head);
  asio::awaitable<http_response> send(std::string_view method, std::string_view target,
                                      std::optional<std::string_view> body, std::span<const http_header> headers);
};

asio::awaitable<http_response> http_session::impl::exchange(http::client_connection& c, bool head) {
  http_response response;
  auto fail = [&](http_phase phase, const error_code& ec) {
    response.failure = http_response::failure_info{c.phase_of(phase), c.classify(phase, ec), ec};
  };
  c.start_deadline(options.timeout);
  if (!c.connected) {
    error_code ec = c.open();
    if (!ec) {
      std::tie(ec) = co_await c.async_connect(endpoint, use_tuple);
    }
    if (ec) {
      fail(http_phase::connect, ec);
      co_return response;
    }
    c.connected = true;
  }
  auto [wec, written] = co_await asio::async_write(c.stream, asio::buffer(c.request), use_tuple);
  if (wec) {
    fail(http_phase::write, wec);
    co_return response;
  }
  http::response_reader reader(c.body, options.body_limit_bytes, head);
  auto [rec] = co_await http::async_read_response(c.stream, c.buffer, reader, use_tuple);
  if (rec) {
    fail(http_phase::read, rec);
    co_return response;
  }
  ++c.exchanges;
  response.status = reader.status();
  response.body = c.body;
  response.retry_after = reader.retry_after();
  if (!reader.keep_alive() || !options.keep_alive) {
    c.close();
  }
  co_return response;
}

// The views' owners are the callers' (the public functions' documented promise); the
// optional itself is copied into this frame.
asio::awaitable<http_response> http_session::impl::send(std::string_view method, std::string_view target,
                                                        std::optional<std::string_view> body,
                                                        std::span<const http_header> headers) {
  if (!slots.try_acquire()) {
    auto [ec] = co_await slots.async_acquire(use_tuple);
    if (ec) {
      throw boost::system::system_error(ec, "http_session: waiting for a connection");
    }
  }
  auto c = take_connection();
  http::format_request(c->request, method, target, host_header, options.keep_alive, headers, body);
  http_response response;
  try {
    response = co_await exchange(*c, method == "HEAD");
  } catch (...) {
    give_back(std::move(c), false);
    throw;
  }
  give_back(std::move(c), response.completed());
  co_return response;
}

http_session::http_session(asio::any_io_executor executor, http_session_options options)
    : impl_(std::make_unique<impl>(std::move(executor), std::move(options))) {}

http_session::~http_session() { close(); }

asio::awaitable<http_response> http_session::get(std::string_view target) {
  return impl_->send("GET", target, std::nullopt, {});
}

asio::awaitable<http_response> http_session::post(std::string_view target, std::string_view body,
                                                  std::span<const http_header> headers) {
  return impl_->send("POST", target, body, headers);
}

asio::awaitable<http_response> http_session::request(std::string_view method, std::string_view target,
                                                     std::span<const http_header> headers,
                                                     std::optional<std::string_view> body) {
  return impl_->send(method, target, body, headers);
}

void http_session::close() {
  for (auto& c : impl_->idle) {
    c->close();
    --impl_->open;
  }
  impl_->idle.clear();
}

std::size_t http_session::open_connections() const noexcept { return impl_->open; }
std::size_t http_session::idle_connections() const noexcept { return impl_->idle.size(); }
std::size_t http_session::connections_opened() const noexcept { return impl_->opened; }

std::optional<tls_handshake_counts> http_session::tls_counts() const {
  if (!impl_->tls) {
    return std::nullopt;
  }
  return impl_->tls->counts();
}

} // namespace overlap
