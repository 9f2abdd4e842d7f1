// One client connection of the delay server: read a request, route it, wait if asked,
// answer; repeat while the client keeps the connection alive.
#include "server/http_response.hpp"
#include "server/request_io.hpp"
#include "server/request_reader.hpp"
#include "server/result_store.hpp"
#include "server/routes.hpp"
#include "server/server_state.hpp"

#include "overlap/wall_clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <fstream>
#include <optional>

namespace overlap::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using steady = std::chrono::steady_clock;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t first_read_bytes = 1024;

} // namespace

/// What the shard and the watchdog need to see of a connection.
struct connection_state {
  explicit connection_state(tcp::socket s) : socket(std::move(s)), watchdog(socket.get_executor()) {}

  tcp::socket socket;
  asio::steady_timer watchdog;
  // Moved forward as the connection goes; the watchdog closes it once this passes.
  steady::time_point deadline = steady::time_point::max();
  bool idle = true; // waiting for the first byte of a request: safe to close on stop
  std::list<connection_state*>::iterator position;
};

namespace {

/// Keeps the connection in its shard's registry (for graceful stop) while it lives.
class registration {
public:
  registration(shard& sh, connection_state& st) : sh_(sh) {
    st.position = sh.connections.insert(sh.connections.end(), &st);
    position_ = st.position;
    sh.ctx.stats.connection_opened(sh.index);
  }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;
  ~registration() {
    sh_.connections.erase(position_);
    sh_.ctx.stats.connection_closed(sh_.index);
    if (sh_.stopping && sh_.connections.empty()) {
      sh_.drain_timer.cancel(); // the last one is gone: let the loop end now
    }
  }

private:
  shard& sh_;
  std::list<connection_state*>::iterator position_;
};

/// Ends when the connection's deadline has passed. It wakes at least once per header
/// timeout instead of re-arming on every request: deadlines then cost no timer
/// operation on the request path, at the price of closing up to one header timeout late.
asio::awaitable<void> watch_deadline(connection_state& st, steady::duration period) {
  for (;;) {
    const auto now = steady::now();
    if (st.deadline <= now) {
      co_return;
    }
    st.watchdog.expires_at(std::min(st.deadline, now + period));
    co_await st.watchdog.async_wait(use_tuple);
    auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
    if (cancelled != asio::cancellation_type::none) {
      co_return;
    }
  }
}

/// Waits for the capacity gate (if any); the permit returns the unit when destroyed.
asio::awaitable<bool> admit(server_context& ctx, semaphore_permit& permit) {
  if (!ctx.capacity) {
    co_return true;
  }
  if (!ctx.capacity->try_acquire()) {
    auto [ec] = co_await ctx.capacity->async_acquire(use_tuple);
    if (ec) {
      co_return false;
    }
  }
  permit = semaphore_permit(*ctx.capacity);
  co_return true;
}

/// Sleeps `delay`, recording how far past it the timer woke. False if cancelled.
asio::awaitable<bool> sleep_for(shard& sh, std::chrono::milliseconds delay) {
  if (delay.count() == 0) {
    co_return true;
  }
  const auto before = steady::now();
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  auto [ec] = co_await timer.async_wait(use_tuple);
  sh.ctx.stats.record_overshoot(sh.index, steady::now() - before - delay);
  co_return !ec;
}

struct exchange {
  request_buffers request;
  parsed_target target;
  std::string body;     // response body when built at run time
  std::string response; // the whole response text
};

/// POST /add's answer: the echo, or with a store the stored result once committed. A
/// save that did not commit is 503: the client must retry (with the same key).
std::string_view answer_save(exchange& ex, std::optional<save_outcome>& stored, response_head& head) {
  if (stored && !stored->committed) {
    head.status = 503;
    head.extra_headers = "Retry-After: 1\r\n";
    ex.body = "Service Unavailable: the result was not stored: " + stored->error + "\n";
    return ex.body;
  }
  if (stored && stored->replayed) {
    head.extra_headers = "Idempotent-Replayed: true\r\n"; // a retry after a lost acknowledgement
  }
  format_saved_result(ex.body, stored ? std::string_view(stored->result) : std::string_view(ex.request.body));
  head.content_type = "application/json";
  return ex.body;
}

/// Carries out a routed request: fills `head` and returns the body (static text or a
/// view of ex.body). Nothing: the connection must close without an answer (it was
/// cancelled while waiting).
asio::awaitable<std::optional<std::string_view>> carry_out(shard& sh, const route_decision& decision, exchange& ex,
                                                           response_head& head) {
  auto& ctx = sh.ctx;
  head.status = decision.status;
  std::string_view body = decision.body;
  switch (decision.what) {
  case action::respond: head.extra_headers = decision.extra_headers; break;
  case action::delay: {
    semaphore_permit permit;
    if (!co_await admit(ctx, permit)) {
      co_return std::nullopt;
    }
    const double start = epoch_seconds_now(); // after admission: the wait is service time
    if (!co_await sleep_for(sh, decision.delay)) {
      co_return std::nullopt;
    }
    ctx.records.add(sh.index, ex.target.add.name, start, epoch_seconds_now());
    head.content_type = "text/html; charset=UTF-8";
    body = ".";
    break;
  }
  case action::save: {
    semaphore_permit permit;
    if (!co_await admit(ctx, permit)) {
      co_return std::nullopt;
    }
    const double start = epoch_seconds_now();
    std::optional<save_outcome> stored;
    if (ctx.store) { // the commit runs on the store thread while this one waits the post delay
      auto [slept, outcome] =
          co_await (sleep_for(sh, ctx.options.post_delay) &&
                    ctx.store->async_save(ex.request.idempotency_key, ex.request.body, asio::use_awaitable));
      if (!slept) {
        co_return std::nullopt;
      }
      stored = std::move(outcome);
    } else if (!co_await sleep_for(sh, ctx.options.post_delay)) {
      co_return std::nullopt;
    }
    if (ex.target.add.has_name) { // POST /add?name=N is recorded like a GET, to see overlap
      ctx.records.add(sh.index, ex.target.add.name, start, epoch_seconds_now());
    }
    co_return answer_save(ex, stored, head);
  }
  case action::count: {
    if (!ctx.store) {
      head.status = 404;
      body = "Not Found: results are stored only when the server runs with --store\n";
      break;
    }
    const std::int64_t n = co_await ctx.store->async_count(asio::use_awaitable);
    if (n < 0) {
      head.status = 500;
      body = "Internal Server Error: cannot read the store\n";
      break;
    }
    ex.body = "{\"count\": " + std::to_string(n) + "}";
    head.content_type = "application/json";
    body = ex.body;
    break;
  }
  case action::flush: {
    ex.body = ctx.records.to_json();
    std::ofstream file(ctx.options.metrics_file, std::ios::trunc);
    file << ex.body;
    file.close();
    if (!file) {
      head.status = 500;
      body = "Internal Server Error: cannot write the metrics file\n";
      break;
    }
    head.content_type = "application/json";
    body = ex.body;
    break;
  }
  case action::metrics:
    ex.body = ctx.stats.render_prometheus(ctx.capacity ? ctx.capacity->waiting() : 0, ctx.options.capacity);
    head.content_type = "text/plain; version=0.0.4; charset=utf-8";
    body = ex.body;
    break;
  }
  co_return body;
}

asio::awaitable<void> answer_read_error(connection_state& st, shard& sh, const error_code& ec, exchange& ex) {
  const int status = status_for_read_error(ec);
  if (status == 0) {
    co_return;
  }
  sh.ctx.stats.count_request(sh.index, route::other, status);
  ex.body = std::string(reason_phrase(status)) + ": " + ec.message() + "\n";
  format_response(ex.response, response_head{.status = status, .keep_alive = false}, ex.body);
  co_await write_fully(st.socket, ex.response);
}

asio::awaitable<void> read_requests(connection_state& st, shard& sh) {
  const auto& options = sh.ctx.options;
  boost::beast::flat_buffer buffer(buffer_limit_bytes);
  exchange ex;
  for (;;) {
    if (buffer.size() == 0) { // nothing pipelined: wait for the next request
      if (sh.stopping) {
        co_return;
      }
      st.idle = true;
      st.deadline = steady::now() + options.idle_timeout;
      auto [ec, n] = co_await st.socket.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
      st.idle = false;
      if (ec) {
        co_return;
      }
      buffer.commit(n);
    }
    st.deadline = steady::now() + options.header_timeout;
    request_reader reader(ex.request);
    reader.header_limit(header_limit_bytes);
    reader.body_limit(body_limit_bytes);
    reader.eager(true);
    if (auto ec = co_await read_request(st.socket, buffer, reader)) {
      co_await answer_read_error(st, sh, ec, ex);
      co_return;
    }

    sh.ctx.stats.request_started(sh.index);
    st.deadline = steady::time_point::max(); // a delay may be long: the watchdog waits
    const auto decision = route_request(ex.request.method, ex.request.target, ex.target);
    response_head head{.version = reader.http_version()};
    const auto body = co_await carry_out(sh, decision, ex, head);
    if (!body) {
      sh.ctx.stats.request_finished(sh.index);
      co_return;
    }
    head.keep_alive = reader.keep_alive() && !sh.stopping; // a stop may have begun while it waited
    format_response(ex.response, head, *body);
    sh.ctx.stats.count_request(sh.index, decision.label, head.status);
    st.deadline = steady::now() + options.header_timeout; // the client must read the answer
    const auto write_ec = co_await write_fully(st.socket, ex.response);
    sh.ctx.stats.request_finished(sh.index);
    if (write_ec || !head.keep_alive) {
      co_return;
    }
  }
}

void close_socket(tcp::socket& socket) {
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

} // namespace

asio::awaitable<void> serve_connection(tcp::socket socket, shard& sh) {
  error_code ignored;
  socket.non_blocking(true, ignored); // write_fully tries a write at once
  connection_state st(std::move(socket));
  registration registered(sh, st);
  co_await (read_requests(st, sh) || watch_deadline(st, sh.ctx.options.header_timeout));
  close_socket(st.socket);
}

void begin_shard_stop(shard& sh) {
  sh.stopping = true;
  error_code ignored;
  sh.acceptor.close(ignored);
  for (auto* conn : sh.connections) {
    if (conn->idle) {
      conn->deadline = steady::time_point::min();
      conn->watchdog.cancel();
    }
  }
  if (!sh.connections.empty()) {
    sh.drain_timer.expires_after(sh.ctx.options.drain_timeout);
    sh.drain_timer.async_wait([&sh](error_code ec) {
      if (ec) {
        return;
      }
      // Requests still in flight after the drain timeout are dropped: each connection's
      // watchdog fires now, cancelling its wait, and its coroutine unwinds normally.
      // (Stopping the io_context instead would leave suspended coroutines to be
      // destroyed with it, after the shard members their cleanup touches.)
      for (auto* conn : sh.connections) {
        conn->deadline = steady::time_point::min();
        conn->watchdog.cancel();
      }
    });
  }
}

} // namespace overlap::server
