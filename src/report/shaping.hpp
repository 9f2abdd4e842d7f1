#pragma once
// Shaping read inputs into what the page draws: pure functions, no I/O, so they are
// tested against exact expected values.
#include "overlap/result_files.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace overlap::report {

/// A crawl timeline's request spans as columns sorted by start (then index), so the
/// page can stop at the first request that starts after the visible range. failed[i] is
/// 1 when the request has no 2xx status (0: no answer).
struct request_columns {
  std::vector<double> start, end;
  std::vector<std::int64_t> index;
  std::vector<std::uint8_t> failed;
  std::vector<std::uint32_t> shard; // a merged run's: the shard that made each request
  double max_end = 0;
};
request_columns shape_requests(const std::vector<span>& spans);

/// A workload timeline's tasks (a cpu span and, when it saved, an io span per index) as
/// columns sorted by cpu_start (then index); a task without I/O has NaN io_start and io_end.
struct task_columns {
  std::vector<std::int64_t> index;
  std::vector<double> cpu_start, cpu_end, io_start, io_end;
  double max_end = 0;
};
task_columns shape_tasks(const std::vector<span>& spans);

/// One delay of a sweep: seconds measured against the ideal ceil(n/c) x delay, by
/// concurrency ascending.
struct sweep_series {
  double delay_ms = 0;
  std::vector<std::int64_t> concurrency;
  std::vector<double> seconds, ideal_seconds;
};
/// Series by delay ascending; a (delay, concurrency) measured twice keeps both points.
std::vector<sweep_series> shape_sweep(const sweep_results& sweep);

/// Figures 8-10 and 8-11: one mode's runs across bcrypt costs, from every file given,
/// by time per iteration ascending (ties: file order).
struct mode_series {
  std::string mode;
  std::vector<std::int64_t> difficulty;
  std::vector<double> time_per_iteration; // seconds per hash at that cost
  std::vector<double> seconds;            // the run's total
  std::vector<double> seconds_per_task;
  std::vector<double> ratio; // seconds per task over the noio run's, same file and cost
};
struct workload_figures {
  std::vector<mode_series> series; // one per mode present, noio included, in all_workload_modes order
  bool same_n = true;              // every run drawn has the same n, so total seconds compare
  std::size_t left_out = 0;        // runs with no noio run at their cost in their file
};
/// Every run of every file, one series per mode. A run is compared with its own file's
/// first noio run at its cost (as its file's ratio_to_noio is); the time per iteration
/// is that file's calibration at the cost, or else the noio run's seconds / n. A run
/// without such a noio run is left out (and counted).
workload_figures shape_workload_figures(const std::vector<workload_results>& files);

} // namespace overlap::report
