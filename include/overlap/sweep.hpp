#pragma once
// The book's Figure 8-3: crawl times over a grid of concurrencies and delays, next to
// the ideal ceil(N/C) x delay, to find where more concurrency stops helping.
#include "overlap/crawl.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace overlap {

struct sweep_point {
  std::chrono::milliseconds delay{0};
  std::size_t concurrency = 0;
  double seconds = 0;
  double limit_seconds = 0; // ceil(n / concurrency) x delay
  std::size_t errors = 0;
};

struct sweep_best {
  std::chrono::milliseconds delay{0};
  std::size_t concurrency = 0;
  double seconds = 0;
};

struct sweep_options {
  std::vector<std::chrono::milliseconds> delays{std::chrono::milliseconds(50), std::chrono::milliseconds(300),
                                                std::chrono::milliseconds(550), std::chrono::milliseconds(800)};
  std::vector<std::size_t> concurrencies; // default: 1, 26, ..., 476 (the book's range(1, 500, 25))
  std::size_t n = 500;
  crawl_strategy strategy = crawl_strategy::coroutine;
  /// For an https:// base URL: how the server's certificate is checked.
  tls_client_options tls;
  /// The sweep stops starting new points once this much time has passed.
  std::chrono::seconds max_total{900};
  /// Asked before each point and each request (see crawl_options::stop_requested):
  /// once true, no new point starts and the point under way is dropped, unfinished.
  std::function<bool()> stop_requested;
  /// Each point's crawl_options::on_progress.
  std::function<void(const crawl_progress&)> on_progress;
};

/// "start:stop:step" (stop exclusive, as Python's range: "1:500:25" is 1, 26, ... 476)
/// or a comma-separated list ("1,10,100"). Throws std::invalid_argument with a reason.
std::vector<std::size_t> parse_concurrency_spec(std::string_view spec);
/// "50,300,550,800" milliseconds. Throws std::invalid_argument with a reason.
std::vector<std::chrono::milliseconds> parse_delay_list(std::string_view list);

/// The concurrencies a sweep runs: options.concurrencies up to n. A concurrency above n
/// crawls exactly as n does, so those are skipped (skipped_concurrencies lists them).
std::vector<std::size_t> swept_concurrencies(const sweep_options& options);
std::vector<std::size_t> skipped_concurrencies(const sweep_options& options);
/// Every (delay, swept concurrency) pair: the points a whole sweep runs.
std::size_t planned_points(const sweep_options& options);
/// The sum of the limits (overlap::limit_seconds) of every point: the least a sweep can take.
double ideal_total_seconds(const sweep_options& options);

/// The fastest point of each delay (ties: the smaller concurrency), in delay order.
/// Among the points given: of a partial sweep, among the points run.
std::vector<sweep_best> best_per_delay(const std::vector<sweep_point>& points);

/// Runs every (delay, swept concurrency) point, delays outermost, each a crawl of
/// `base_url_for(delay)`, and calls `on_point` after each. Stops early (returning the
/// points done, fewer than planned_points: a partial sweep) once max_total has passed.
std::vector<sweep_point> run_sweep(const sweep_options& options,
                                   const std::function<std::string(std::chrono::milliseconds)>& base_url_for,
                                   const std::function<void(const sweep_point&)>& on_point = {});

/// The table: one row per concurrency, per delay its seconds and ideal.
std::string format_sweep_table(const std::vector<sweep_point>& points);

// The open model's "hockey stick": latency percentiles against the offered rate. Below
// the capacity latency stays near the delay; past it the backlog grows for as long as
// the load lasts, and so does the latency measured from when requests were due.

/// One offered rate of a rate sweep: a paced crawl (crawl_options::rate).
struct rate_point {
  double rate = 0; ///< offered, requests per second
  std::optional<double> achieved_rate;
  std::chrono::milliseconds delay{0};
  std::size_t concurrency = 0;
  std::size_t n = 0;           ///< requests made: rate x the point's time
  latency_summary corrected;   ///< from when each request was due
  latency_summary uncorrected; ///< from when it was sent
  std::size_t errors = 0;
  std::size_t late_starts = 0;
  std::size_t queued = 0;
};

struct rate_sweep_options {
  std::vector<double> rates; ///< offered rates, requests per second, in the order run
  std::chrono::milliseconds delay{50};
  std::size_t concurrency = 100;
  /// Each point offers its rate this long (n = rate x this, at least 1).
  std::chrono::milliseconds point_time{3000};
  /// Requests the server serves at once, when known (the embedded server's --capacity):
  /// only for the capacity mark.
  std::optional<std::size_t> server_capacity;
  crawl_strategy strategy = crawl_strategy::coroutine;
  tls_client_options tls;
  /// The sweep stops starting new points once this much time has passed.
  std::chrono::seconds max_total{900};
  std::function<bool()> stop_requested;
  std::function<void(const crawl_progress&)> on_progress;
};

/// "100,200,400.5": requests per second, each above 0 and at most 10^7. Throws
/// std::invalid_argument with a reason.
std::vector<double> parse_rate_list(std::string_view list);

/// The requests of one point: rate x point_time, rounded, at least 1.
std::size_t rate_point_requests(double rate, std::chrono::milliseconds point_time) noexcept;

/// The most answers per second the sweep can get: min(concurrency, server capacity) /
/// delay. None with a delay of 0 (no known bound).
std::optional<double> rate_capacity(const rate_sweep_options& options);

/// A paced crawl of `base_url` at each rate, in order, calling `on_point` after each.
/// Stops early (fewer points: partial) once max_total has passed or a stop is asked.
std::vector<rate_point> run_rate_sweep(const rate_sweep_options& options, const std::string& base_url,
                                       const std::function<void(const rate_point&)>& on_point = {});

/// The table: one row per rate, achieved rate and corrected and uncorrected percentiles.
std::string format_rate_table(const std::vector<rate_point>& points, std::optional<double> capacity);

} // namespace overlap
