#include "http/client_connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace overlap::http {

namespace asio = boost::asio;
using boost::system::error_code;

client_connection::client_connection(const asio::any_io_executor& executor, std::size_t body_limit_bytes)
    : socket(executor), buffer(header_limit_bytes + body_limit_bytes), watchdog_(executor) {}

error_code client_connection::open() {
  error_code ec;
  socket.open(asio::ip::tcp::v4(), ec);
  if (!ec) {
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
  }
  return ec;
}

void client_connection::start_deadline(steady_clock::duration timeout) {
  timed_out_ = false;
  deadline_ = steady_clock::now() + timeout;
  if (!watching_) {
    watching_ = true;
    watchdog_.expires_at(deadline_);
    watch();
  }
}

void client_connection::watch() {
  watchdog_.async_wait([self = shared_from_this()](const error_code& ec) { self->on_watchdog(ec); });
}

void client_connection::on_watchdog(const error_code& ec) {
  if (!socket.is_open() || deadline_ == steady_clock::time_point::max()) {
    watching_ = false; // closed or idle: the next start_deadline re-arms
    return;
  }
  if (!ec && deadline_ <= steady_clock::now()) {
    watching_ = false;
    timed_out_ = true;
    error_code ignored;
    socket.close(ignored); // the pending connect, write or read ends with an error
    return;
  }
  watchdog_.expires_at(deadline_); // a later request moved the deadline on
  watch();
}

void client_connection::close() noexcept {
  error_code ignored;
  socket.close(ignored);
  watchdog_.cancel();
  connected = false;
}

failure_kind classify_failure(http_phase phase, const error_code& ec, bool timed_out) noexcept {
  namespace beast_http = boost::beast::http;
  if (timed_out || ec == asio::error::timed_out) {
    return failure_kind::timeout;
  }
  if (phase == http_phase::connect) {
    return failure_kind::refused;
  }
  if (ec.category() == beast_http::make_error_code(beast_http::error::end_of_stream).category() &&
      ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message) {
    return failure_kind::malformed; // a parse error or a limit
  }
  return failure_kind::reset; // reset, broken pipe, closed before the whole answer
}

} // namespace overlap::http
