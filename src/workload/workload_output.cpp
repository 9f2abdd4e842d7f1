#include "workload/workload_output.hpp"

#include "overlap/run_header.hpp"
#include "record/json_text.hpp"

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

void append_field(std::string& out, const char* name, double value) {
  out += ", \"";
  out += name;
  out += "\": ";
  record::append_json_number(out, value);
}

} // namespace

reference_times find_references(const std::vector<workload_result>& runs) {
  reference_times refs;
  for (const auto& run : runs) {
    if (run.mode == workload_mode::noio) {
      refs.noio = run.seconds;
    } else if (run.mode == workload_mode::serial) {
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
    for (const auto& [kind, count] : run.errors_by_kind) {
      line += ", " + kind + " " + std::to_string(count);
    }
  }
  return line;
}

std::string format_table(const std::vector<workload_result>& runs) {
  const auto refs = find_references(runs);
  char row[160];
  std::string out;
  std::snprintf(row, sizeof row, "%-8s %9s %8s %10s %7s %7s\n", "mode", "seconds", "x noio", "I/O hidden", "saved",
                "failed");
  out += row;
  for (const auto& run : runs) {
    const bool saves = run.mode != workload_mode::noio && run.mode != workload_mode::fileio;
    const auto hidden = hidden_io_share(run, refs);
    std::snprintf(row, sizeof row, "%-8s %9.3f %8s %10s %7s %7s\n", std::string(to_string(run.mode)).c_str(),
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

std::string result_json(const run_header& header, const std::vector<workload_result>& runs,
                        const std::map<int, double>& calibration) {
  const auto refs = find_references(runs);
  std::string out = "{";
  append_header_fields(out, header, "result");
  out += ", \"runs\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    out += i == 0 ? "{" : ", {";
    out += "\"mode\": ";
    record::append_json_string(out, to_string(run.mode));
    out += ", \"n\": " + std::to_string(run.n) + ", \"difficulty\": " + std::to_string(run.difficulty);
    append_field(out, "seconds", run.seconds);
    const auto ratio = ratio_to_noio(run, refs);
    append_field(out, "ratio_to_noio", ratio ? *ratio : NAN);
    const auto hidden = hidden_io_share(run, refs);
    append_field(out, "hidden_io_share", hidden ? *hidden : NAN);
    out += ", \"saved\": " + std::to_string(run.saved) + ", \"failed\": " + std::to_string(run.failed) +
           ", \"retried\": " + std::to_string(run.retried) + ", \"sent\": " + std::to_string(run.sent) +
           ", \"batch_size\": " + std::to_string(run.batch_size) +
           ", \"concurrency\": " + std::to_string(run.concurrency) + ", \"workers\": " + std::to_string(run.workers) +
           ", \"errors_by_kind\": {";
    bool first = true;
    for (const auto& [kind, count] : run.errors_by_kind) {
      out += first ? "" : ", ";
      first = false;
      record::append_json_string(out, kind);
      out += ": " + std::to_string(count);
    }
    out += "}}";
  }
  out += "], \"calibration\": {";
  bool first = true;
  for (const auto& [cost, seconds] : calibration) {
    out += first ? "\"" : ", \"";
    first = false;
    out += std::to_string(cost) + "\": ";
    record::append_json_number(out, seconds);
  }
  out += "}}";
  return out;
}

std::string timeline_json(const run_header& header, const std::vector<workload_result>& runs) {
  std::string out = "{";
  append_header_fields(out, header, "timeline");
  out += ", \"runs\": [";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const auto& run = runs[r];
    out += r == 0 ? "{\"mode\": " : ", {\"mode\": ";
    record::append_json_string(out, to_string(run.mode));
    out +=
        ", \"n\": " + std::to_string(run.n) + ", \"difficulty\": " + std::to_string(run.difficulty) + ", \"tasks\": [";
    for (std::size_t i = 0; i < run.timeline.size(); ++i) {
      const auto& span = run.timeline[i];
      out += i == 0 ? "{\"index\": " : ", {\"index\": ";
      out += std::to_string(i);
      append_field(out, "cpu_start", span.cpu_start);
      append_field(out, "cpu_end", span.cpu_end);
      append_field(out, "io_start", span.io_start);
      append_field(out, "io_end", span.io_end);
      out += '}';
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

std::string timeline_csv(const std::vector<workload_result>& runs) {
  std::string out = "mode,index,cpu_start,cpu_end,io_start,io_end\n";
  for (const auto& run : runs) {
    for (std::size_t i = 0; i < run.timeline.size(); ++i) {
      const auto& span = run.timeline[i];
      out += std::string(to_string(run.mode)) + "," + std::to_string(i);
      for (double t : {span.cpu_start, span.cpu_end, span.io_start, span.io_end}) {
        out += ',';
        if (!std::isnan(t)) {
          record::append_json_number(out, t);
        }
      }
      out += '\n';
    }
  }
  return out;
}

namespace {

void append_trace_event(std::string& out, bool& first, const char* name, int pid, std::size_t lane, double start,
                        double end, std::size_t index) {
  out += first ? "" : ",\n";
  first = false;
  out += "{\"name\": \"";
  out += name;
  out += "\", \"ph\": \"X\", \"pid\": " + std::to_string(pid) + ", \"tid\": " + std::to_string(lane) + ", \"ts\": ";
  record::append_json_number(out, std::round(start * 1e7) / 10);
  out += ", \"dur\": ";
  record::append_json_number(out, std::round((end - start) * 1e7) / 10);
  out += ", \"args\": {\"task\": " + std::to_string(index) + "}}";
}

} // namespace

std::string timeline_trace(const std::vector<workload_result>& runs) {
  std::string out = "{\"traceEvents\": [\n";
  bool first = true;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const int pid = static_cast<int>(r) + 1;
    out += first ? "" : ",\n";
    first = false;
    out += "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": " + std::to_string(pid) + ", \"args\": {\"name\": \"" +
           std::string(to_string(runs[r].mode)) + "\"}}";
    // Saves overlap: each goes on the lowest lane free at its start.
    std::priority_queue<std::pair<double, std::size_t>, std::vector<std::pair<double, std::size_t>>, std::greater<>>
        busy_until;
    std::size_t lanes = 0;
    std::vector<std::size_t> order(runs[r].timeline.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    const auto& spans = runs[r].timeline;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return spans[a].io_start < spans[b].io_start; });
    for (std::size_t i = 0; i < spans.size(); ++i) {
      append_trace_event(out, first, "hash", pid, 0, spans[i].cpu_start, spans[i].cpu_end, i);
    }
    for (auto i : order) {
      if (std::isnan(spans[i].io_start)) {
        continue;
      }
      std::size_t lane;
      if (!busy_until.empty() && busy_until.top().first <= spans[i].io_start) {
        lane = busy_until.top().second;
        busy_until.pop();
      } else {
        lane = ++lanes;
      }
      busy_until.emplace(spans[i].io_end, lane);
      append_trace_event(out, first, "save", pid, lane, spans[i].io_start, spans[i].io_end, i);
    }
  }
  out += "\n]}\n";
  return out;
}

} // namespace overlap::workload
