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

} // namespace overlap
