#include "overlap/workload_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <queue>

namespace overlap::workload {

namespace {

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string optional_fixed(const std::optional<double>& value, int digits) {
  return value ? fixed(*value, digits) : "-";
}

} // namespace

reference_times find_references(const std::vector<workload_result>& runs, int difficulty) {
  reference_times refs;
  for (const auto& run : runs) {
    if (run.difficulty != difficulty) {
      continue;
    }
    if (run.mode == workload_mode::noio && !refs.noio) {
      refs.noio = run.seconds;
    } else if (run.mode == workload_mode::serial && !refs.serial) {
      refs.serial = run.seconds;
    }
  }
  return refs;
}

std::optional<double> ratio_to_noio(const workload_result& run, const reference_times& refs) {
  if (!refs.noio || *refs.noio <= 0) {
    return std::nullopt;
  }
  return run.seconds / *refs.noio;
}

std::optional<double> hidden_io_share(const workload_result& run, const reference_times& refs) {
  if (!refs.noio || !refs.serial || *refs.serial <= *refs.noio || run.mode == workload_mode::noio) {
    return std::nullopt;
  }
  return 1.0 - (run.seconds - *refs.noio) / (*refs.serial - *refs.noio);
}

std::string format_run_line(const workload_result& run) {
  std::string line = std::string(to_string(run.mode)) + ": " + std::to_string(run.n) + " tasks at cost " +
                     std::to_string(run.difficulty) + " in " + fixed(run.seconds, 3) + " s";
  if (run.mode != workload_mode::noio && run.mode != workload_mode::fileio) {
    line += "; saved " + std::to_string(run.saved) + " of " + std::to_string(run.n) + " (sent " +
            std::to_string(run.sent) + ", retried " + std::to_string(run.retried) + ", failed " +
            std::to_string(run.failed) + ")";
    for (const auto kind : all_failure_kinds) {
      if (const auto count = count_of(run.errors_by_kind, kind); count != 0) {
        line += ", " + std::string(to_string(kind)) + " " + std::to_string(count);
      }
    }
  }
  return line;
}

std::string format_table(const std::vector<workload_result>& runs) {
  const bool costs = std::any_of(runs.begin(), runs.end(),
                                 [&](const workload_result& r) { return r.difficulty != runs.front().difficulty; });
  char row[160];
  std::string out;
  std::snprintf(row, sizeof row, "%-8s%s %9s %8s %10s %7s %7s\n", "mode", costs ? " cost" : "", "seconds", "x noio",
                "I/O hidden", "saved", "failed");
  out += row;
  for (const auto& run : runs) {
    const auto refs = find_references(runs, run.difficulty);
    const bool saves = run.mode != workload_mode::noio && run.mode != workload_mode::fileio;
    const auto hidden = hidden_io_share(run, refs);
    char cost[16] = "";
    if (costs) {
      std::snprintf(cost, sizeof cost, " %4d", run.difficulty);
    }
    std::snprintf(row, sizeof row, "%-8s%s %9.3f %8s %10s %7s %7s\n", std::string(to_string(run.mode)).c_str(), cost,
                  run.seconds, optional_fixed(ratio_to_noio(run, refs), 3).c_str(),
                  hidden && saves ? (fixed(*hidden * 100, 1) + " %").c_str() : "-",
                  saves ? std::to_string(run.saved).c_str() : "-", saves ? std::to_string(run.failed).c_str() : "-");
    out += row;
  }
  return out;
}

const std::map<int, double>& book_seconds_per_hash() {
  static const std::map<int, double> book{{8, 0.0156}, {10, 0.0623}, {11, 0.1244}, {12, 0.2487}};
  return book;
}

std::string format_calibration(const std::map<int, double>& seconds_by_cost) {
  std::string out = "cost  s/hash here  s/hash book  here/book\n";
  char row[96];
  for (const auto& [cost, seconds] : seconds_by_cost) {
    const auto book = book_seconds_per_hash().find(cost);
    if (book == book_seconds_per_hash().end()) {
      std::snprintf(row, sizeof row, "%4d  %11.4f  %11s  %9s\n", cost, seconds, "-", "-");
    } else {
      std::snprintf(row, sizeof row, "%4d  %11.4f  %11.4f  %9.2f\n", cost, seconds, book->second,
                    seconds / book->second);
    }
    out += row;
  }
  return out;
}

} // namespace overlap::workload
