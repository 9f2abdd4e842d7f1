#pragma once
// The files overlap report reads (docs/FORMATS.md), validated into plain structs.
// Required fields are checked for presence and type; optional ones are read when there.
#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace overlap::report {

/// The header every result and timeline file starts with.
struct input_header {
  std::string file; // as named on the command line
  std::string command;
  std::string kind;
  std::string argv;
  std::string date;            // empty when absent
  boost::json::object machine; // passed through to the page as is
};

struct latency_summary {
  std::optional<double> p50_ms, p90_ms, p99_ms, max_ms;
};

struct crawl_run {
  std::string strategy;
  std::int64_t n = 0;
  std::int64_t concurrency = 0;
  double delay_ms = 0;
  double seconds = 0;
  std::optional<std::int64_t> result;
  std::optional<double> limit_seconds, efficiency, requests_per_second;
  bool extrapolated = false;
  std::int64_t errors = 0;
  std::int64_t retries = 0;
  std::map<std::string, std::int64_t> errors_by_kind;
  latency_summary latency;
};

struct request_span {
  std::int64_t index = 0;
  double start = 0, end = 0;
  std::optional<std::int64_t> status;
};

struct crawl_timeline_run {
  std::string strategy;
  std::optional<std::int64_t> n, concurrency;
  std::optional<double> delay_ms;
  std::vector<request_span> requests;
};

struct workload_run {
  std::string mode;
  std::int64_t n = 0;
  std::int64_t difficulty = 0;
  double seconds = 0;
  std::optional<double> ratio_to_noio, hidden_io_share;
  std::optional<std::int64_t> saved, failed, retried, batch_size, concurrency, workers;
};

struct task_span {
  std::int64_t index = 0;
  double cpu_start = 0, cpu_end = 0;
  std::optional<double> io_start, io_end; // both or neither
};

struct workload_timeline_run {
  std::string mode;
  std::optional<std::int64_t> n, difficulty;
  std::vector<task_span> tasks;
};

struct sweep_point {
  double delay_ms = 0;
  std::int64_t concurrency = 0;
  double seconds = 0;
  std::optional<double> limit_seconds;
};

struct crawl_result {
  std::vector<crawl_run> runs;
};
struct crawl_timeline {
  std::vector<crawl_timeline_run> runs;
};
struct workload_result {
  std::vector<workload_run> runs;
  std::map<std::int64_t, double> calibration; // difficulty -> seconds per hash
};
struct workload_timeline {
  std::vector<workload_timeline_run> runs;
};
struct sweep_result {
  std::string strategy; // empty when absent
  std::int64_t n = 0;
  std::vector<sweep_point> points;
};

/// One input file: its header and what it holds.
struct input {
  input_header header;
  std::variant<crawl_result, crawl_timeline, workload_result, workload_timeline, sweep_result> body;
};

/// Reads, parses and validates one file. `display_name` is how errors name it.
/// Throws overlap::report_input_error (file named, field path, what is wrong).
input read_input(const std::filesystem::path& path);

/// The same for text already in memory (the unit tests use this).
input parse_input(std::string_view text, const std::string& display_name);

} // namespace overlap::report
