#pragma once
// A keep-alive HTTP/1.1 client session for C++20 coroutines: the book's aiohttp
// ClientSession. Connections are pooled and capped; failures are values, not throws.
#include "overlap/failure_kind.hpp"
#include "overlap/tls_options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace overlap {

/// Where in an exchange a request failed. `handshake`: the TLS handshake of a new
/// https:// connection, after the TCP connect.
enum class http_phase : unsigned char { connect, write, read, handshake };

/// One header line to add to a request (`Idempotency-Key: ...`).
struct http_header {
  std::string_view name;
  std::string_view value;
};

/// The outcome of one request. On success `failure` is empty and `status`/`body` hold
/// the final answer, whatever the status (interim 1xx answers are skipped); on failure
/// `failure` says how (a status is never a failure here: the caller decides what a 500
/// means, with `retry_after` if the answer asked for a wait).
struct http_response {
  struct failure_info {
    http_phase phase;
    failure_kind kind; // never failure_kind::status
    boost::system::error_code error;
  };

  int status = 0;
  std::string body;
  std::optional<std::chrono::milliseconds> retry_after; // from a valid Retry-After header
  std::optional<failure_info> failure;

  bool completed() const noexcept { return !failure.has_value(); }
  bool succeeded() const noexcept { return completed() && status >= 200 && status < 300; }
};

struct http_session_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 80;
  /// Connections open at once, busy or idle. Requests beyond it wait, in arrival
  /// order, for a connection to come free.
  std::size_t max_connections = 100;
  /// From the start of the exchange on a connection (connect included) to the last
  /// byte of the answer. Waiting for a free connection is not counted.
  std::chrono::milliseconds timeout{10'000};
  /// False: every request says `Connection: close` and gets a new connection.
  bool keep_alive = true;
  std::size_t body_limit_bytes = 8 * 1024 * 1024;
  /// The Host header's value. Unset: `host[:port]`; empty: none (the request's own
  /// headers give it).
  std::optional<std::string> host_header;
  /// Set: https://. Every connection speaks TLS 1.2 or 1.3, checked as these options
  /// say; one OpenSSL context serves the session, and a new connection resumes the last
  /// session the server gave (a handshake failure is a `tls` failure in the
  /// `handshake` phase). Unset: plain http://.
  std::optional<tls_client_options> tls;
  /// With tls: the name the server's certificate must carry and SNI sends (the URL's
  /// host when `host` is an address it resolved to); empty: `host` itself.
  std::string tls_server_name;
};

/// A pool of HTTP/1.1 connections to one host.
/// - A request takes the most recently idle connection (LIFO: warm ones first), else
///   opens a new one if fewer than max_connections exist, else waits (FIFO).
/// - A new connection's request is written as soon as it is connected.
/// - TCP_NODELAY on every connection; each connection reuses its buffers.
/// - A connection is reused only after a complete answer that allows keep-alive.
/// - Failed requests are not retried: a stale keep-alive connection shows up as a
///   `reset` failure and the caller's retry policy decides.
/// An idle connection's watchdog wakes once more at its last request's deadline; call
/// close() when done so that the event loop can run dry at once (aiohttp's
/// `async with ClientSession()`). While requests flow, the watchdogs cost no timer
/// operation per request.
/// Threading: use from one thread (the executor must not run handlers concurrently:
/// an io_context run by one thread, or a strand). The session must outlive every
/// request started on it; destroying it closes its connections.
class http_session {
public:
  /// Resolves `host` now (blocking; a numeric address costs nothing). Throws
  /// boost::system::system_error if it cannot be resolved, std::invalid_argument if
  /// options.tls names a CA file that cannot be loaded.
  http_session(boost::asio::any_io_executor executor, http_session_options options);
  http_session(const http_session&) = delete;
  http_session& operator=(const http_session&) = delete;
  ~http_session();

  /// GET `target` (origin form: "/path?query"). Views passed to get and post must stay
  /// valid until the returned awaitable completes. Throws only if the session is
  /// destroyed while the request waits for a connection.
  boost::asio::awaitable<http_response> get(std::string_view target);

  /// POST `body` to `target` with extra headers (Content-Length is added).
  boost::asio::awaitable<http_response> post(std::string_view target, std::string_view body,
                                             std::span<const http_header> headers = {});

  /// Any `method` (a token: "GET", "DELETE"...), `headers` after Host, and `body` with
  /// Content-Length when given. The answer to HEAD is read without a body. The views
  /// must stay valid until the returned awaitable completes.
  boost::asio::awaitable<http_response> request(std::string_view method, std::string_view target,
                                                std::span<const http_header> headers = {},
                                                std::optional<std::string_view> body = std::nullopt);

  /// Closes the idle connections (requests in flight finish normally). The session
  /// stays usable: later requests open new connections.
  void close();

  std::size_t open_connections() const noexcept;
  std::size_t idle_connections() const noexcept;
  /// Connections opened since construction (how well keep-alive worked).
  std::size_t connections_opened() const noexcept;
  /// With tls: the handshakes so far (full and resumed) and the failed ones.
  std::optional<tls_handshake_counts> tls_counts() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace overlap
