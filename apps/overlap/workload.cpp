// overlap workload: bcrypt hashing and saving results, serial to fully overlapped.
#include "command.hpp"
#include "interrupt.hpp"
#include "output_file.hpp"
#include "progress.hpp"
#include "target_server.hpp"
#include "timeline_output.hpp"
#include "usage.hpp"

#include "overlap/http_sink.hpp"
#include "overlap/result_files.hpp"
#include "overlap/run_header.hpp"
#include "overlap/workload_output.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

namespace overlap::cli {

namespace {

struct workload_settings {
  workload_options options;
  std::string mode = "async";
  std::string difficulties = std::to_string(workload_options{}.difficulty); // one cost or a list
  std::string sink_url;
  tls_client_options sink_tls;
  bool sink_insecure = false;
  std::chrono::milliseconds post_delay{100};
  std::chrono::milliseconds save_timeout = workload_options{}.save_timeout;
  std::string json_file;
  std::string timeline_file;
  std::string timeline_format = "auto";
  bool calibrate = false;
  std::vector<const CLI::Option*> ignored_by_calibrate;
};

std::map<int, double> calibrate() {
  std::map<int, double> seconds;
  for (int cost : {8, 10, 11, 12}) {
    seconds[cost] = seconds_per_hash(cost);
  }
  return seconds;
}

void write_timeline_file(const timeline_output& file, const run_header& header,
                         const std::vector<workload_result>& runs) {
  if (!file.wanted()) {
    return;
  }
  std::vector<timeline_run> timelines;
  for (const auto& run : runs) {
    timelines.push_back(timeline_of(run));
  }
  file.write(header, timelines);
}

/// --calibrate measures hashing alone: options of a run would be silently ignored.
void refuse_ignored_options(const workload_settings& s) {
  std::string given;
  for (const auto* option : s.ignored_by_calibrate) {
    if (option->count() > 0) {
      given += (given.empty() ? "" : ", ") + option->get_name();
    }
  }
  if (!given.empty()) {
    throw usage_error("--calibrate measures seconds per hash only and ignores " + given +
                      ": drop them, or drop --calibrate");
  }
}

int run_calibration(const workload_settings& s, const output_file& json) {
  refuse_ignored_options(s);
  const auto calibration = calibrate();
  std::fputs(workload::format_calibration(calibration).c_str(), stdout);
  json.write(result_file_text({run_header::capture("workload"), workload_results{{}, calibration}}));
  return 0;
}

std::vector<workload_mode> chosen_modes(const workload_settings& s) {
  if (s.mode == "all") {
    return all_workload_modes();
  }
  return {*parse_workload_mode(s.mode)}; // validated by the option's check
}

/// Runs each mode at each cost, in run_workloads' order (cost by cost), until all ran or
/// a SIGINT came; prints each run as it ends.
std::vector<workload_result> run_modes(workload_settings& s, const std::vector<int>& costs,
                                       const sink_factory& make_sink) {
  const auto modes = chosen_modes(s);
  std::size_t current = 0; // the run under way, in run_workloads' order
  progress_line progress;
  if (progress.enabled()) {
    const auto n = s.options.n;
    s.options.on_progress = [&modes, &costs, &current, &progress, n](std::size_t done, double seconds) {
      const auto name = std::string(to_string(modes[current % modes.size()])) +
                        (costs.size() > 1 ? " at cost " + std::to_string(costs[current / modes.size()]) : "");
      progress.show("  " + name + ": " + progress_text(done, n, seconds) + " tasks hashed");
    };
  }
  auto runs = run_workloads(s.options, modes, costs, make_sink, [&current, &progress](const workload_result& run) {
    ++current;
    progress.clear();
    std::printf("%s%s\n", workload::format_run_line(run).c_str(), run.interrupted ? " (interrupted)" : "");
    std::fflush(stdout);
  });
  s.options.on_progress = nullptr;
  return runs;
}

int run_workload_command(workload_settings& s) {
  const auto json = s.json_file.empty() ? output_file() : output_file(s.json_file, "--json");
  if (s.calibrate) {
    return run_calibration(s, json);
  }
  const timeline_output timeline(s.timeline_file, s.timeline_format); // a bad --timeline fails before any work
  if (json.is_stdout() && timeline.is_stdout()) {
    throw usage_error("--json and --timeline cannot both be - (standard output)");
  }
  std::optional<sink_factory> make_sink;
  if (!s.sink_url.empty()) {
    try {
      s.sink_tls.verify = !s.sink_insecure;
      make_sink = http_sink_factory(s.sink_url, s.options.concurrency, s.save_timeout, s.sink_tls);
    } catch (const std::invalid_argument& e) {
      throw usage_error(std::string("--sink: ") + e.what());
    }
  }
  const interrupt_guard interrupt;
  target_server database(s.sink_url, delay_server_options{.post_delay = s.post_delay}); // unless --sink
  const auto url = database.embedded() ? database.base_url() + "/add" : s.sink_url;
  if (!make_sink) {
    make_sink = http_sink_factory(url, s.options.concurrency, s.save_timeout);
  }
  s.options.save_timeout = s.save_timeout;
  s.options.record_timeline = timeline.wanted();
  s.options.stop_requested = interrupt_guard::hook();

  const auto costs = parse_difficulties(s.difficulties); // validated by the option's check
  std::string cost_list;
  for (const int cost : costs) {
    cost_list += (cost_list.empty() ? "" : ", ") + std::to_string(cost);
  }
  std::printf("workload: %zu tasks, bcrypt cost %s, saving to %s%s\n", s.options.n, cost_list.c_str(), url.c_str(),
              database.embedded() ? " (embedded)" : "");
  const auto runs = run_modes(s, costs, *make_sink);
  if (runs.size() > 1) {
    std::printf("\n%s", workload::format_table(runs).c_str());
  }
  database.stop();
  auto header = run_header::capture("workload");
  header.interrupted = interrupt_guard::requested();
  json.write(result_file_text({header, workload_results{runs, {}}}));
  write_timeline_file(timeline, header, runs);
  std::uint64_t failed = 0;
  for (const auto& run : runs) {
    failed += run.failed;
  }
  if (failed > 0) {
    std::fprintf(stderr, "overlap workload: %llu results were not saved\n", static_cast<unsigned long long>(failed));
  }
  if (header.interrupted) {
    std::fprintf(stderr, "overlap workload: interrupted: %zu modes ran, the last one in part\n", runs.size());
    return interrupted_status;
  }
  return failed > 0 ? 1 : 0;
}

} // namespace

command add_workload_command(CLI::App& parent) {
  auto settings = std::make_shared<workload_settings>();
  auto* app = parent.add_subcommand("workload", "CPU work and I/O: bcrypt-hash passwords and save each hash to a slow "
                                                "database, in each of the chapter's structures");
  auto& s = *settings;
  auto& o = s.options;
  auto& ignored = s.ignored_by_calibrate;
  std::vector<std::string> modes;
  for (auto mode : all_workload_modes()) {
    modes.emplace_back(to_string(mode));
  }
  modes.emplace_back("all");
  ignored.push_back(app->add_option("--mode", s.mode, CLI::detail::join(modes, ", "))
                        ->capture_default_str()
                        ->check(CLI::IsMember(modes)));
  ignored.push_back(app->add_option("--difficulty", s.difficulties,
                                    "bcrypt cost (4..31), or a list of costs run one after another (8,10,11,12)")
                        ->capture_default_str()
                        ->check(CLI::Validator(
                            [](const std::string& text) {
                              try {
                                parse_difficulties(text);
                                return std::string();
                              } catch (const std::invalid_argument& e) {
                                return std::string(e.what());
                              }
                            },
                            "COST[,COST...]")));
  ignored.push_back(app->add_option("-n", o.n, "Tasks")->capture_default_str()->check(whole_number(1, 10'000'000)));
  ignored.push_back(app->add_option("--batch-size", o.batch_size, "Results per batch (batch mode)")
                        ->capture_default_str()
                        ->check(whole_number(1, 100'000)));
  ignored.push_back(app->add_option("-c,--concurrency", o.concurrency, "Saves in flight at most (async, threads)")
                        ->capture_default_str()
                        ->check(whole_number(1, 10'000)));
  ignored.push_back(
      app->add_option("--workers", o.workers, "Hashing threads in threads mode (default: the number of cores)")
          ->check(whole_number(1, 256)));
  ignored.push_back(app->add_option("--retries", o.retries, "Retries of a failed save")
                        ->capture_default_str()
                        ->check(whole_number(0, 100)));
  ignored.push_back(add_duration_option(*app, "--save-timeout,--save-timeout-ms", s.save_timeout,
                                        {.min = std::chrono::milliseconds(1), .max = std::chrono::hours(1)},
                                        "How long one save attempt may take"));
  ignored.push_back(app->add_option("--sink", s.sink_url,
                                    "Save to this http:// or https:// URL (POST); default: an embedded delay "
                                    "server's /add"));
  ignored.push_back(app->add_option("--cacert", s.sink_tls.ca_file,
                                    "--sink https://: trust the certificates in this PEM file instead of the "
                                    "system's store"));
  ignored.push_back(app->add_flag("-k,--insecure", s.sink_insecure,
                                  "--sink https://: accept any certificate (still encrypted; not verified)"));
  ignored.push_back(add_duration_option(*app, "--post-delay", s.post_delay, {.max = std::chrono::minutes(1)},
                                        "How long the embedded database takes per save"));
  app->add_option("--json", s.json_file, "Write the results as JSON (docs/FORMATS.md; - for standard output)");
  ignored.push_back(app->add_option("--timeline", s.timeline_file,
                                    "Write each task's CPU and I/O spans (.json or .csv; - for standard output)"));
  ignored.push_back(app->add_option("--timeline-format", s.timeline_format,
                                    "auto (by extension), json, csv, or trace (Chrome trace events)")
                        ->capture_default_str()
                        ->check(CLI::IsMember({"auto", "json", "csv", "trace"})));
  app->add_flag("--calibrate", s.calibrate, "Measure seconds per hash at costs 8, 10, 11, 12 (the book's Table 8-2)");
  return {app, [settings] { return run_workload_command(*settings); }};
}

} // namespace overlap::cli
