#pragma once
// Counters behind GET /metrics (Prometheus text format). Each event-loop thread writes
// only its own shard, so counting costs no contention; a scrape sums the shards.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace overlap::server {

enum class route : std::uint8_t { add_get, add_post, flush, metrics, results, other, count };

/// The status codes the server answers with; anything else is counted as "other".
inline constexpr std::array<int, 9> counted_statuses{200, 400, 404, 405, 408, 413, 431, 500, 503};
inline constexpr std::size_t status_slots = counted_statuses.size() + 1; // plus "other"

/// Upper bounds (seconds) of the timer-overshoot histogram buckets; +Inf is implicit.
inline constexpr std::array<double, 12> overshoot_bounds_seconds{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                                 0.005,   0.01,   0.025,   0.05,   0.1,   0.25};

/// Figures that other pieces own, shown beside the counters.
struct server_gauges {
  std::size_t waiting_for_capacity = 0; // from the capacity gate
  std::size_t capacity = 0;
  std::size_t records = 0; // from the records
  std::size_t record_names = 0;
  std::size_t record_bytes = 0;
  std::size_t record_limit_bytes = 0;
  std::uint64_t records_dropped = 0;
};

class server_stats {
public:
  explicit server_stats(unsigned shard_count);
  ~server_stats();

  void count_request(unsigned shard, route r, int status) noexcept;
  void connection_opened(unsigned shard) noexcept;
  void connection_closed(unsigned shard) noexcept;
  void request_started(unsigned shard) noexcept;
  void request_finished(unsigned shard) noexcept;
  void connection_failed(unsigned shard) noexcept;
  void accept_failed(unsigned shard) noexcept;
  /// A request whose client went away while it waited (for its delay or for capacity).
  void request_abandoned(unsigned shard) noexcept;
  /// A TLS handshake with a client (--tls-cert): completed (resumed or full) or failed.
  void tls_handshake(unsigned shard, bool ok, bool resumed) noexcept;
  /// Actual minus requested delay of one timed wait.
  void record_overshoot(unsigned shard, std::chrono::nanoseconds overshoot) noexcept;

  std::uint64_t requests(route r, int status) const noexcept;
  std::int64_t open_connections() const noexcept;
  std::int64_t in_flight() const noexcept;
  std::uint64_t abandoned() const noexcept;
  /// TLS handshakes by outcome: "full", "resumed" or "failed".
  std::uint64_t tls_handshakes(const char* outcome) const noexcept;

  /// The exposition text.
  std::string render_prometheus(const server_gauges& gauges) const;

private:
  struct shard;
  std::vector<std::unique_ptr<shard>> shards_;
};

const char* route_label(route r) noexcept;

} // namespace overlap::server
