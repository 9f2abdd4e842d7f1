// One client connection of the delay server: read a request, route it, let its handler
// carry it out; repeat while the client keeps the connection alive.
#include "server/exchange.hpp"
#include "server/request_io.hpp"
#include "server/routes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace overlap::server {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t first_read_bytes = 1024;

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

/// Moves the deadline; wakes the watchdog if it now sleeps past it (an idle or first-byte
/// deadline shorter than the watchdog's period), which costs nothing on the hot path.
void move_deadline(connection_state& st, steady::time_point when) {
  st.deadline = when;
  if (when < st.watchdog.expiry()) {
    st.watchdog.cancel();
  }
}

asio::awaitable<void> answer_read_error(connection_state& st, shard& sh, const error_code& ec,
                                        const request_reader& reader, exchange& ex) {
  const int status = status_for_read_error(ec);
  if (status == 0) {
    co_return;
  }
  sh.ctx.stats.count_request(sh.index, route::other, status);
  ex.body = std::string(reason_phrase(status)) + ": " +
            (reader.refusal().empty() ? ec.message() : std::string(reader.refusal())) + "\n";
  format_response(ex.response, response_head{.status = status, .keep_alive = false}, ex.body);
  co_await write_fully(st.stream, ex.response);
}

/// The TLS handshake of a new connection, within the header timeout (the watchdog
/// closes the socket if it passes). Counted by outcome.
asio::awaitable<bool> handshake(connection_state& st, shard& sh) {
  move_deadline(st, steady::now() + sh.ctx.options.header_timeout);
  auto& tls = *st.stream.tls();
  auto [ec] = co_await tls.async_handshake(maybe_tls_stream::tls_stream::server, use_tuple);
  sh.ctx.stats.tls_handshake(sh.index, !ec, !ec && SSL_session_reused(tls.native_handle()) == 1);
  co_return !ec;
}

asio::awaitable<void> read_requests(connection_state& st, shard& sh) {
  const auto& options = sh.ctx.options;
  if (sh.ctx.tls && !co_await handshake(st, sh)) {
    co_return;
  }
  boost::beast::flat_buffer buffer(buffer_limit_bytes);
  exchange ex;
  bool first = true; // a connection that never sends a byte gets the header timeout only
  for (;;) {
    if (buffer.size() == 0) { // nothing pipelined: wait for the next request
      if (sh.stopping) {
        co_return;
      }
      st.idle = true;
      move_deadline(st, steady::now() + (first ? options.header_timeout : options.idle_timeout));
      auto [ec, n] = co_await st.stream.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
      st.idle = false;
      if (ec) {
        co_return;
      }
      buffer.commit(n);
    }
    first = false;
    st.deadline = steady::now() + options.header_timeout;
    request_reader reader(ex.request);
    reader.header_limit(header_limit_bytes);
    reader.body_limit(body_limit_bytes);
    reader.eager(true);
    if (auto ec = co_await read_request(st.stream, buffer, reader)) {
      co_await answer_read_error(st, sh, ec, reader, ex);
      co_return;
    }

    sh.ctx.stats.request_started(sh.index);
    st.deadline = steady::time_point::max(); // a delay may be long: the watchdog waits
    const auto decision = route_request(ex.request.method, ex.request.target, ex.target);
    request_context rc{sh, st, buffer, ex, reader.keep_alive(), reader.http_version()};
    const auto end = co_await carry_out(rc, decision);
    sh.ctx.stats.request_finished(sh.index);
    if (end != request_end::keep_going) {
      co_return;
    }
  }
}

void close_socket(tcp::socket& socket) { // no TLS close_notify: the client reads no further anyway
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

} // namespace

asio::awaitable<void> serve_connection(tcp::socket socket, shard& sh) {
  error_code ignored;
  socket.non_blocking(true, ignored); // write_fully tries a write at once
  connection_state st(std::move(socket));
  if (sh.ctx.tls) {
    st.stream.use_tls(*sh.ctx.tls);
  }
  registration registered(sh, st);
  co_await (read_requests(st, sh) || watch_deadline(st, sh.ctx.options.header_timeout));
  close_socket(st.stream.socket());
}

void drop_shard_connections(shard& sh) {
  // Each connection's watchdog fires now, cancelling its wait, and its coroutine
  // unwinds normally. (Stopping the io_context instead would leave suspended coroutines
  // to be destroyed with it, after the shard members their cleanup touches.)
  for (auto* conn : sh.connections) {
    conn->deadline = steady::time_point::min();
    conn->watchdog.cancel();
  }
}

void begin_shard_stop(shard& sh) {
  if (sh.stopping) {
    return;
  }
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
      if (!ec) { // requests still in flight after the drain timeout are dropped
        drop_shard_connections(sh);
      }
    });
  }
}

} // namespace overlap::server
