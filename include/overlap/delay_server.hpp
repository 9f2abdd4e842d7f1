#pragma once
// The book's delay server: GET /add answers "." after `delay` ms and records when each
// request started and ended; POST /add is a slow "database" that echoes a result.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace overlap {

struct delay_server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080; // 0 picks a free port
  unsigned threads = 1;      // event-loop threads
  std::size_t capacity = 0;  // requests served at once; 0 is unlimited
  std::chrono::milliseconds post_delay{100};
  std::filesystem::path metrics_file = "metric_data.json";
  std::chrono::milliseconds header_timeout{10'000}; // a request's header and body must arrive in this
  std::chrono::milliseconds idle_timeout{60'000};   // a connection with no request is closed after this
  std::chrono::milliseconds drain_timeout{30'000};  // graceful stop waits this long for requests in flight
  int backlog = 4096;
  // Memory the records may use (16 bytes a record, a name its length + 96); past it,
  // requests are answered but not recorded (counted, said once on stderr) until a
  // flush with reset=True empties them.
  std::size_t max_records_bytes = 64 * 1024 * 1024;
  // When set, POST /add results are stored in this SQLite file (created if missing)
  // and acknowledged only once committed; an Idempotency-Key header makes a retried
  // save a no-op. Empty: POST /add only echoes.
  std::filesystem::path store_file;
  // Both set: the server speaks HTTPS only (TLS 1.2 and 1.3, session tickets for
  // resumption): a PEM certificate (chain) and its private key. The handshake must end
  // within header_timeout. A certificate or key that does not load, or a key that does
  // not match: std::invalid_argument from the constructor.
  std::filesystem::path tls_cert_file;
  std::filesystem::path tls_key_file;
};

/// One recorded request: wall-clock seconds since the epoch.
struct recorded_request {
  double start;
  double end;
};

/// The delay server. Construction checks the options (std::invalid_argument with the
/// reason: a host that does not resolve, a metrics file that cannot be written, a store
/// that cannot be written), binds and listens (throws boost::system::system_error if it
/// cannot, e.g. the port is in use); `start` runs the event loops on their own threads.
/// The destructor stops gracefully and joins. Thread-safe.
class delay_server {
public:
  explicit delay_server(delay_server_options options);
  delay_server(const delay_server&) = delete;
  delay_server& operator=(const delay_server&) = delete;
  ~delay_server();

  std::uint16_t port() const noexcept;
  /// "http://HOST:PORT", or "https://HOST:PORT" with a TLS certificate
  std::string base_url() const;
  const delay_server_options& options() const noexcept;

  /// Runs `threads` event loops, each on its own thread, accepting on a shared port.
  void start();
  /// Graceful stop, returning at once: stops accepting, closes idle connections,
  /// answers every request in flight (up to drain_timeout), then the loops end.
  void stop();
  /// Stops at once: like `stop`, but requests in flight are dropped unanswered now
  /// instead of after the drain timeout (a second SIGINT or SIGTERM).
  void stop_now();
  /// Waits until the loops have ended (after `stop`). Rethrows a loop's failure.
  void join();

  /// Every request recorded so far, by name, in start order.
  std::map<std::string, std::vector<recorded_request>> records() const;
  /// The book's metric_data.json text of the records.
  std::string records_json() const;
  /// Writes records_json() to the metrics file (to a temporary file, then renamed over
  /// it); throws std::runtime_error with the system's reason on failure.
  void write_metrics_file() const;
  /// How many results the store holds (blocks until the saves queued before have
  /// committed); -1 when the server runs without a store.
  std::int64_t stored_results() const;
  /// The GET /metrics text (Prometheus exposition format).
  std::string prometheus_text() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

/// How many results the store file holds (the file of `store_file`, read while a server
/// may be using it; opened read-only, so a file that is not a store stays untouched).
/// Throws std::invalid_argument if it is not a store, std::runtime_error if it cannot be read.
std::int64_t count_stored_results(const std::filesystem::path& store_file);

} // namespace overlap
