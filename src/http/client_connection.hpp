#pragma once
// One client connection and everything it reuses from request to request: the stream
// (plain or TLS), the read buffer, the request text, the body, and a deadline watchdog.
// Shared by the asynchronous crawl strategies and http_session; each drives it in its
// own style.
#include "asio/maybe_tls_stream.hpp"
#include "http/response_reader.hpp"
#include "http/tls_client.hpp"
#include "overlap/failure_kind.hpp"
#include "overlap/http_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace overlap::http {

using steady_clock = std::chrono::steady_clock;

/// Where a run's https:// connections go: its TLS client (null: plain http://), and the
/// host name and port their certificates must name and their sessions resume for.
struct tls_peer {
  tls_client* client = nullptr;
  std::string host;
  std::uint16_t port = 0;
};

class client_connection : public std::enable_shared_from_this<client_connection> {
public:
  /// Create with std::make_shared: the watchdog keeps the connection alive while armed.
  /// With a `peer` that has a TLS client, the connection speaks TLS (peer is read now only).
  client_connection(const boost::asio::any_io_executor& executor, std::size_t body_limit_bytes,
                    const tls_peer& peer = {});
  client_connection(const client_connection&) = delete;
  client_connection& operator=(const client_connection&) = delete;

  maybe_tls_stream stream;
  boost::beast::flat_buffer buffer;
  std::string request; // the request text, rewritten for each request
  std::string body;    // the response body, rewritten for each response
  bool connected = false;
  std::size_t exchanges = 0; // complete request/response exchanges so far

  /// Opens the socket and sets TCP_NODELAY, ready for async_connect.
  boost::system::error_code open();

  /// Connects the opened socket to `endpoint`, then makes the TLS handshake on a TLS
  /// connection; completes with void(error_code). A failure in the handshake is seen
  /// by classify() as the `handshake` phase.
  template <typename Token> auto async_connect(const boost::asio::ip::tcp::endpoint& endpoint, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code)>(connect_op{*this, endpoint}, token,
                                                                              stream.socket());
  }

  /// The failure class of an exchange on this connection that ended with `ec` in `phase`.
  failure_kind classify(http_phase phase, const boost::system::error_code& ec) const noexcept;
  /// `phase`, or `handshake` when a connect failed in the TLS handshake.
  http_phase phase_of(http_phase phase) const noexcept {
    return phase == http_phase::connect && in_handshake_ ? http_phase::handshake : phase;
  }

  /// Closes the socket (pending operations end with an error) if `timeout` passes
  /// before stop_deadline(). Costs no timer operation when the watchdog is already
  /// armed for an earlier time: it then re-arms itself when it wakes.
  void start_deadline(steady_clock::duration timeout);
  void stop_deadline() noexcept { deadline_ = steady_clock::time_point::max(); }
  bool timed_out() const noexcept { return timed_out_; }

  /// Closes the socket and cancels the watchdog. Idempotent. (No TLS close_notify: the
  /// connection is dropped, as the plain one is.)
  void close() noexcept;
  bool is_open() const noexcept { return stream.socket().is_open(); }

private:
  struct connect_op {
    client_connection& c;
    boost::asio::ip::tcp::endpoint endpoint;
    enum class step : unsigned char { start, connecting, handshaking } at = step::start;

    template <typename Self> void operator()(Self& self, boost::system::error_code ec = {}) {
      switch (at) {
      case step::start:
        at = step::connecting;
        c.stream.socket().async_connect(endpoint, std::move(self));
        return;
      case step::connecting:
        if (ec || c.stream.tls() == nullptr) {
          self.complete(ec);
          return;
        }
        at = step::handshaking;
        c.in_handshake_ = true;
        c.stream.tls()->async_handshake(maybe_tls_stream::tls_stream::client, std::move(self));
        return;
      case step::handshaking:
        c.handshake_over(ec);
        self.complete(ec);
        return;
      }
    }
  };

  void handshake_over(const boost::system::error_code& ec);
  void watch();
  void on_watchdog(const boost::system::error_code& ec);

  boost::asio::steady_timer watchdog_;
  tls_client* tls_ = nullptr;
  steady_clock::time_point deadline_ = steady_clock::time_point::max();
  bool watching_ = false;
  bool timed_out_ = false;
  bool in_handshake_ = false; // set when the handshake starts, cleared when it succeeds
};

/// The failure class of an exchange that ended with `ec` in `phase`: `tls` for any
/// failure in the handshake phase (but a timeout), else by the error.
failure_kind classify_failure(http_phase phase, const boost::system::error_code& ec, bool timed_out) noexcept;

} // namespace overlap::http
