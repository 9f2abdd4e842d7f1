#include "http/client_connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

namespace overlap::http {

namespace asio = boost::asio;
using boost::system::error_code;

client_connection::client_connection(const asio::any_io_executor& executor, std::size_t body_limit_bytes,
                                     const tls_peer& peer)
    : stream(executor), buffer(header_limit_bytes + body_limit_bytes), watchdog_(executor), tls_(peer.client) {
  if (tls_ != nullptr) {
    tls_->prepare(stream.use_tls(tls_->context()).native_handle(), peer.host, peer.port);
  }
}

error_code client_connection::open() {
  error_code ec;
  stream.socket().open(asio::ip::tcp::v4(), ec);
  if (!ec) {
    stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  }
  return ec;
}

void client_connection::handshake_over(const error_code& ec) {
  if (ec) {
    if (!timed_out_) { // a timeout is counted as one, not as a failed handshake
      tls_->handshake_failed(stream.tls()->native_handle(), ec);
    }
    return;
  }
  in_handshake_ = false;
  tls_->handshake_done(stream.tls()->native_handle());
}

failure_kind client_connection::classify(http_phase phase, const error_code& ec) const noexcept {
  return classify_failure(phase_of(phase), ec, timed_out_);
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
  if (!stream.socket().is_open() || deadline_ == steady_clock::time_point::max()) {
    watching_ = false; // closed or idle: the next start_deadline re-arms
    return;
  }
  if (!ec && deadline_ <= steady_clock::now()) {
    watching_ = false;
    timed_out_ = true;
    error_code ignored;
    stream.socket().close(ignored); // the pending connect, write or read ends with an error
    return;
  }
  watchdog_.expires_at(deadline_); // a later request moved the deadline on
  watch();
}

void client_connection::close() noexcept {
  if (tls_ != nullptr && !in_handshake_) {
    keep_session_resumable(stream.tls()->native_handle());
  }
  error_code ignored;
  stream.socket().close(ignored);
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
  if (phase == http_phase::handshake) {
    return failure_kind::tls;
  }
  if (ec == boost::asio::ssl::error::stream_truncated) {
    return failure_kind::reset; // closed without TLS's close_notify: a reset like any other
  }
  if (is_tls_error(ec)) {
    return failure_kind::tls; // a record that does not decrypt, an alert mid-exchange
  }
  if (ec.category() == beast_http::make_error_code(beast_http::error::end_of_stream).category() &&
      ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message) {
    return failure_kind::malformed; // a parse error or a limit
  }
  return failure_kind::reset; // reset, broken pipe, closed before the whole answer
}

} // namespace overlap::http
