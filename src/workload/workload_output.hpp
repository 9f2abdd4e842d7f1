#pragma once
// What `overlap workload` prints and writes: the summary table, the --json result and
// the --timeline files (docs/FORMATS.md). Pure functions of the results, so they are
// tested against exact text.
#include "overlap/workload.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace overlap {
struct run_header;
}

namespace overlap::workload {

/// Seconds of the noio and serial runs among `runs`, when present.
struct reference_times {
  std::optional<double> noio;
  std::optional<double> serial;
};
reference_times find_references(const std::vector<workload_result>& runs);

/// t / t_noio.
std::optional<double> ratio_to_noio(const workload_result& run, const reference_times& refs);
/// 1 - (t - t_noio) / (t_serial - t_noio): the share of the serial run's I/O wait that
/// this run hid behind CPU work (1: all of it; 0: none).
std::optional<double> hidden_io_share(const workload_result& run, const reference_times& refs);

/// One line per run: "async: 600 tasks at cost 8 in 9.812 s; saved 600 (...)".
std::string format_run_line(const workload_result& run);

/// The table after `--mode all`: seconds, ratio to noio, I/O hidden, saved, failed.
std::string format_table(const std::vector<workload_result>& runs);

/// Calibration: seconds per hash here next to the book's Table 8-2.
std::string format_calibration(const std::map<int, double>& seconds_by_cost);

/// The book's Table 8-2, seconds per hash by cost.
const std::map<int, double>& book_seconds_per_hash();

std::string result_json(const run_header& header, const std::vector<workload_result>& runs,
                        const std::map<int, double>& calibration);
std::string timeline_json(const run_header& header, const std::vector<workload_result>& runs);
std::string timeline_csv(const std::vector<workload_result>& runs);
/// Chrome trace-event JSON: per run a process, CPU spans on lane 0, saves on lanes 1+.
std::string timeline_trace(const std::vector<workload_result>& runs);

} // namespace overlap::workload
