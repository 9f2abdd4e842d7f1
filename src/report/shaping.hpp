#pragma once
// Shaping validated inputs into what the page draws: pure functions, no I/O, so they
// are tested against exact expected values.
#include "report/inputs.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace overlap::report {

/// The book's limit: ceil(n / concurrency) rounds of delay_ms each, in seconds.
double limit_seconds(std::int64_t n, std::int64_t concurrency, double delay_ms) noexcept;

/// The run with limit_seconds, efficiency (limit / seconds) and requests_per_second
/// filled in where the file left them out; values the file has are kept as measured.
crawl_run with_derived_fields(crawl_run run);

/// A crawl timeline as columns sorted by start (then index), so the page can stop at
/// the first request that starts after the visible range. failed[i] is 1 when the
/// request has a status outside 2xx.
struct request_columns {
  std::vector<double> start, end;
  std::vector<std::int64_t> index;
  std::vector<std::uint8_t> failed;
  double max_end = 0;
};
request_columns shape_requests(const std::vector<request_span>& requests);

/// A workload timeline as columns sorted by cpu_start (then index); a task without I/O
/// has NaN io_start and io_end.
struct task_columns {
  std::vector<std::int64_t> index;
  std::vector<double> cpu_start, cpu_end, io_start, io_end;
  double max_end = 0;
};
task_columns shape_tasks(const std::vector<task_span>& tasks);

/// One delay of a sweep: seconds measured against the ideal ceil(n/c) x delay, by
/// concurrency ascending. ideal_seconds is the file's limit_seconds where given.
struct sweep_series {
  double delay_ms = 0;
  std::vector<std::int64_t> concurrency;
  std::vector<double> seconds, ideal_seconds;
};
/// Series by delay ascending; a (delay, concurrency) measured twice keeps both points.
std::vector<sweep_series> shape_sweep(const sweep_result& sweep);

struct sweep_best {
  double delay_ms = 0;
  std::int64_t concurrency = 0;
  double seconds = 0;
};
/// The fastest concurrency of each series; on a tie, the smallest concurrency.
std::vector<sweep_best> best_per_delay(const std::vector<sweep_series>& series);

/// Figures 8-10/8-11: for one mode, "times slower than no I/O" against the time one
/// iteration takes (seconds per hash), by time per iteration ascending.
struct ratio_series {
  std::string mode;
  std::vector<std::int64_t> difficulty;
  std::vector<double> time_per_iteration, ratio;
};
/// One series per mode other than "noio", in order of first appearance. The time per
/// iteration is the calibration's; without one, the noio run's seconds / n. The ratio
/// is the run's ratio_to_noio; without one, its seconds per task over noio's. A point
/// with neither source is left out.
std::vector<ratio_series> shape_workload_ratios(const workload_result& workload);

} // namespace overlap::report
