#pragma once
// What `overlap workload` prints, and the ratios its result file carries (written by
// overlap/result_files.hpp). Pure functions of the results, so they are tested against
// exact text.
#include "overlap/workload.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace overlap::workload {

/// Seconds of the noio and serial runs at one difficulty, when present.
struct reference_times {
  std::optional<double> noio;
  std::optional<double> serial;
};
/// The first noio and serial runs among `runs` at `difficulty`: a run is compared with
/// the baselines of its own bcrypt cost only.
reference_times find_references(const std::vector<workload_result>& runs, int difficulty);

/// t / t_noio.
std::optional<double> ratio_to_noio(const workload_result& run, const reference_times& refs);
/// 1 - (t - t_noio) / (t_serial - t_noio): the share of the serial run's I/O wait that
/// this run hid behind CPU work (1: all of it; 0: none).
std::optional<double> hidden_io_share(const workload_result& run, const reference_times& refs);

/// One line per run: "async: 600 tasks at cost 8 in 9.812 s; saved 600 (...)".
std::string format_run_line(const workload_result& run);

/// The table after several runs: seconds, ratio to noio (at the run's cost), I/O hidden,
/// saved, failed; with a cost column when the runs have more than one cost.
std::string format_table(const std::vector<workload_result>& runs);

/// Calibration: seconds per hash here next to the book's Table 8-2.
std::string format_calibration(const std::map<int, double>& seconds_by_cost);

/// The book's Table 8-2, seconds per hash by cost.
const std::map<int, double>& book_seconds_per_hash();

} // namespace overlap::workload
