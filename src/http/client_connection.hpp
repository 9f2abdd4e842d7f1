#pragma once
// One client connection and everything it reuses from request to request: the socket,
// the read buffer, the request text, the body, and a deadline watchdog. Shared by the
// asynchronous crawl strategies and http_session; each drives it in its own style.
#include "http/response_reader.hpp"
#include "overlap/failure_kind.hpp"
#include "overlap/http_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace overlap::http {

using steady_clock = std::chrono::steady_clock;

class client_connection : public std::enable_shared_from_this<client_connection> {
public:
  /// Create with std::make_shared: the watchdog keeps the connection alive while armed.
  client_connection(const boost::asio::any_io_executor& executor, std::size_t body_limit_bytes);
  client_connection(const client_connection&) = delete;
  client_connection& operator=(const client_connection&) = delete;

  boost::asio::ip::tcp::socket socket;
  boost::beast::flat_buffer buffer;
  std::string request; // the request text, rewritten for each request
  std::string body;    // the response body, rewritten for each response
  bool connected = false;
  std::size_t exchanges = 0; // complete request/response exchanges so far

  /// Opens the socket and sets TCP_NODELAY, ready for async_connect.
  boost::system::error_code open();

  /// Closes the socket (pending operations end with an error) if `timeout` passes
  /// before stop_deadline(). Costs no timer operation when the watchdog is already
  /// armed for an earlier time: it then re-arms itself when it wakes.
  void start_deadline(steady_clock::duration timeout);
  void stop_deadline() noexcept { deadline_ = steady_clock::time_point::max(); }
  bool timed_out() const noexcept { return timed_out_; }

  /// Closes the socket and cancels the watchdog. Idempotent.
  void close() noexcept;
  bool is_open() const noexcept { return socket.is_open(); }

private:
  void watch();
  void on_watchdog(const boost::system::error_code& ec);

  boost::asio::steady_timer watchdog_;
  steady_clock::time_point deadline_ = steady_clock::time_point::max();
  bool watching_ = false;
  bool timed_out_ = false;
};

/// The failure class of an exchange that ended with `ec` in `phase`.
failure_kind classify_failure(http_phase phase, const boost::system::error_code& ec, bool timed_out) noexcept;

} // namespace overlap::http
