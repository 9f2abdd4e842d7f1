// overlap workload: bcrypt hashing and saving results, serial to fully overlapped.
#include "command.hpp"

#include "overlap/delay_server.hpp"
#include "overlap/http_sink.hpp"
#include "overlap/run_header.hpp"
#include "workload/workload_output.hpp"

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace overlap::cli {

namespace {

struct workload_settings {
  workload_options options;
  std::string mode = "async";
  std::string sink_url;
  long long post_delay_ms = 100;
  std::string json_file;
  std::string timeline_file;
  std::string timeline_format = "auto";
  bool calibrate = false;
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write '" + path + "'");
  }
}

std::map<int, double> calibrate() {
  std::map<int, double> seconds;
  for (int cost : {8, 10, 11, 12}) {
    seconds[cost] = seconds_per_hash(cost);
  }
  return seconds;
}

std::string timeline_text(const std::string& format, const std::string& path, const run_header& header,
                          const std::vector<workload_result>& runs) {
  const bool csv = format == "csv" || (format == "auto" && path.ends_with(".csv"));
  if (format == "trace") {
    return workload::timeline_trace(runs);
  }
  return csv ? workload::timeline_csv(runs) : workload::timeline_json(header, runs);
}

int run_workload_command(workload_settings& s) {
  const auto header = run_header::capture("workload");
  std::map<int, double> calibration;
  if (s.calibrate) {
    calibration = calibrate();
    std::fputs(workload::format_calibration(calibration).c_str(), stdout);
    if (!s.json_file.empty()) {
      write_file(s.json_file, workload::result_json(header, {}, calibration));
    }
    return 0;
  }

  std::vector<workload_mode> modes;
  if (s.mode == "all") {
    modes = all_workload_modes();
  } else {
    modes.push_back(*parse_workload_mode(s.mode)); // validated by the option's check
  }
  std::unique_ptr<delay_server> database; // the embedded sink, unless --sink names one
  std::string url = s.sink_url;
  if (url.empty()) {
    database = std::make_unique<delay_server>(
        delay_server_options{.port = 0, .post_delay = std::chrono::milliseconds(s.post_delay_ms)});
    database->start();
    url = database->base_url() + "/add";
  }
  const auto make_sink = http_sink_factory(url, s.options.concurrency);
  s.options.record_timeline = !s.timeline_file.empty();

  std::printf("workload: %zu tasks, bcrypt cost %d, saving to %s%s\n", s.options.n, s.options.difficulty, url.c_str(),
              database ? " (embedded)" : "");
  std::vector<workload_result> runs;
  for (auto mode : modes) {
    s.options.mode = mode;
    runs.push_back(run_workload(s.options, make_sink));
    std::printf("%s\n", workload::format_run_line(runs.back()).c_str());
    std::fflush(stdout);
  }
  if (runs.size() > 1) {
    std::printf("\n%s", workload::format_table(runs).c_str());
  }
  if (!s.json_file.empty()) {
    write_file(s.json_file, workload::result_json(header, runs, calibration));
  }
  if (!s.timeline_file.empty()) {
    write_file(s.timeline_file, timeline_text(s.timeline_format, s.timeline_file, header, runs));
  }
  std::uint64_t failed = 0;
  for (const auto& run : runs) {
    failed += run.failed;
  }
  if (failed > 0) {
    std::fprintf(stderr, "overlap workload: %llu results were not saved\n", static_cast<unsigned long long>(failed));
    return 1;
  }
  return 0;
}

} // namespace

command add_workload_command(CLI::App& parent) {
  auto settings = std::make_shared<workload_settings>();
  auto* app = parent.add_subcommand("workload", "CPU work and I/O: bcrypt-hash passwords and save each hash to a slow "
                                                "database, in each of the chapter's structures");
  auto& s = *settings;
  auto& o = s.options;
  app->add_option("--mode", s.mode, "noio, fileio, serial, batch, async, threads, or all")
      ->capture_default_str()
      ->check(CLI::IsMember({"noio", "fileio", "serial", "batch", "async", "threads", "all"}));
  app->add_option("--difficulty", o.difficulty, "bcrypt cost (4..31)")->capture_default_str()->check(CLI::Range(4, 31));
  app->add_option("-n", o.n, "Tasks")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app->add_option("--batch-size", o.batch_size, "Results per batch (batch mode)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  app->add_option("-c,--concurrency", o.concurrency, "Saves in flight at most (async, threads)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}));
  app->add_option("--workers", o.workers, "Hashing threads in threads mode (default: the number of cores)")
      ->check(CLI::Range(1U, 256U));
  app->add_option("--retries", o.retries, "Retries of a failed save")
      ->capture_default_str()
      ->check(CLI::Range(0U, 100U));
  app->add_option("--sink", s.sink_url, "Save to this URL (POST); default: an embedded delay server's /add");
  app->add_option("--post-delay", s.post_delay_ms, "Milliseconds the embedded database takes per save")
      ->capture_default_str()
      ->check(CLI::Range(0LL, 60'000LL));
  app->add_option("--json", s.json_file, "Write the results as JSON (docs/FORMATS.md)");
  app->add_option("--timeline", s.timeline_file, "Write each task's CPU and I/O spans (.json or .csv)");
  app->add_option("--timeline-format", s.timeline_format,
                  "auto (by extension), json, csv, or trace (Chrome trace events)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "json", "csv", "trace"}));
  app->add_flag("--calibrate", s.calibrate, "Measure seconds per hash at costs 8, 10, 11, 12 (the book's Table 8-2)");
  return {app, [settings] { return run_workload_command(*settings); }};
}

} // namespace overlap::cli
