// overlap sweep: the book's Figure 8-3, crawl time against concurrency for several delays.
#include "command.hpp"
#include "interrupt.hpp"
#include "output_file.hpp"
#include "progress.hpp"
#include "target_server.hpp"
#include "usage.hpp"

#include "overlap/result_files.hpp"
#include "overlap/run_header.hpp"
#include "overlap/sweep.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace overlap::cli {

namespace {

/// "50,300ms,1s": each delay a duration (a plain number is milliseconds, as the book's
/// delays are), at most one hour.
std::vector<std::chrono::milliseconds> parse_delays(const std::string& list) {
  std::vector<std::chrono::milliseconds> out;
  std::size_t from = 0;
  while (from <= list.size()) {
    const auto comma = std::min(list.find(',', from), list.size());
    const auto part = std::string_view(list).substr(from, comma - from);
    const auto delay = parse_duration(part, std::chrono::milliseconds(1));
    if (!delay) {
      throw std::invalid_argument("\"" + std::string(part) + "\" is not a delay (e.g. 50, 300ms or 1s)");
    }
    if (*delay > std::chrono::hours(1)) {
      throw std::invalid_argument("delay " + std::string(part) + " is over one hour");
    }
    out.push_back(*delay);
    from = comma + 1;
  }
  return out;
}

struct sweep_settings {
  sweep_options options;
  std::string delays = "50,300,550,800";
  std::string concurrency = "1:500:25";
  std::string strategy = "coroutine";
  std::string url;
  bool insecure = false;
  // Above the least time of the default grid (984 s), so that a sweep on the defaults
  // runs whole; a shorter --max-time is said to cut it short before it starts.
  std::chrono::milliseconds max_time{std::chrono::seconds(1800)};
  std::string json_file;
  // A rate sweep (--rate): one delay and one concurrency, a paced crawl per rate.
  std::string rates;
  std::chrono::milliseconds delay{50};
  std::chrono::milliseconds point_time{3000};
  std::size_t capacity = 0;
  bool concurrency_given = false;
  bool grid_given = false; // --delays
};

std::vector<sweep_point> run_points(const sweep_settings& s, const sweep_options& o, const target_server& target) {
  const auto base_url_for = [&](std::chrono::milliseconds delay) {
    const auto ms = std::to_string(delay.count());
    return target.embedded() ? target.base_url() + "/add?name=sweep-" + ms + "&delay=" + ms + "&"
                             : s.url + (s.url.find('?') == std::string::npos ? "?" : "&") + "delay=" + ms + "&";
  };
  progress_line progress;
  sweep_options with_progress = o;
  if (progress.enabled()) {
    with_progress.on_progress = [&progress](const crawl_progress& p) {
      progress.show("  point: " + progress_text(p.done, p.n, p.seconds) + ", " + std::to_string(p.errors) + " errors");
    };
  }
  return run_sweep(with_progress, base_url_for, [&progress](const sweep_point& p) {
    progress.clear();
    std::fprintf(stderr, "  delay %5lld ms, concurrency %5zu: %8.3f s (ideal %8.3f)\n",
                 static_cast<long long>(p.delay.count()), p.concurrency, p.seconds, p.limit_seconds);
  });
}

/// Checks --url and --cacert before anything runs: one line now, not at the first point.
void check_target(const std::string& url, const tls_client_options& tls) {
  if (url.empty()) {
    return;
  }
  crawl_options probe;
  probe.base_url = url;
  probe.tls = tls;
  try {
    validate_crawl_options(probe);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
}

rate_sweep_options rate_options(const sweep_settings& s) {
  if (s.grid_given) {
    throw usage_error("--rate sweeps one --delay; --delays is for the concurrency sweep");
  }
  rate_sweep_options o;
  o.rates = parse_rate_list(s.rates);
  o.delay = s.delay;
  if (s.concurrency_given) {
    const auto c = parse_concurrency_spec(s.concurrency);
    if (c.size() != 1) {
      throw usage_error("--rate sweeps one concurrency: give -c a single number");
    }
    o.concurrency = c.front();
  }
  o.point_time = s.point_time;
  if (s.capacity > 0) {
    o.server_capacity = s.capacity;
  }
  o.strategy = *parse_crawl_strategy(s.strategy);
  o.max_total = std::chrono::ceil<std::chrono::seconds>(s.max_time);
  o.stop_requested = interrupt_guard::hook();
  o.tls = s.options.tls;
  o.tls.verify = !s.insecure;
  return o;
}

/// Writes the sweep's file (marked interrupted if it was); the exit status: 130 when
/// interrupted, 1 when a point had errors, else 0.
template <class Point>
int write_results(const output_file& json, const sweep_results& results, bool interrupted,
                  const std::vector<Point>& points) {
  auto header = run_header::capture("sweep");
  header.interrupted = interrupted;
  json.write(result_file_text({header, results}));
  if (interrupted) {
    return interrupted_status;
  }
  std::size_t errors = 0;
  for (const auto& p : points) {
    errors += p.errors;
  }
  return errors == 0 ? 0 : 1;
}

/// `overlap sweep --rate R1,R2,...`: latency percentiles against the offered rate.
int run_rate_sweep_command(sweep_settings& s) {
  auto o = rate_options(s);
  check_target(s.url, o.tls);
  const auto json = s.json_file.empty() ? output_file() : output_file(s.json_file, "--json");

  const interrupt_guard interrupt;
  target_server target(s.url, delay_server_options{.capacity = s.url.empty() ? s.capacity : 0});
  const auto ms = std::to_string(o.delay.count());
  const auto url = target.embedded() ? target.base_url() + "/add?name=rate-sweep&delay=" + ms + "&"
                                     : s.url + (s.url.find('?') == std::string::npos ? "?" : "&") + "delay=" + ms + "&";
  const auto capacity = rate_capacity(o);
  std::printf("rate sweep: %zu rates, %s each, delay %s ms, c = %zu, strategy %s%s\n", o.rates.size(),
              format_duration(o.point_time).c_str(), ms.c_str(), o.concurrency, s.strategy.c_str(),
              capacity ? (", capacity " + std::to_string(static_cast<long long>(*capacity)) + " answers/s").c_str()
                       : "");
  std::fflush(stdout);
  progress_line progress;
  if (progress.enabled()) {
    o.on_progress = [&progress](const crawl_progress& p) {
      progress.show("  point: " + progress_text(p.done, p.n, p.seconds) + ", " + std::to_string(p.errors) + " errors");
    };
  }
  const auto points = run_rate_sweep(o, url, [&progress](const rate_point& p) {
    progress.clear();
    std::fprintf(stderr, "  %10.6g req/s offered: corrected p99 %.1f ms, uncorrected p99 %.1f ms\n", p.rate,
                 p.corrected.p99_ms, p.uncorrected.p99_ms);
  });
  target.stop();
  std::printf("\n%s", format_rate_table(points, capacity).c_str());
  const bool interrupted = interrupt_guard::requested();
  if (points.size() < o.rates.size()) {
    std::printf("partial sweep: stopped after %zu of %zu rates, %s\n", points.size(), o.rates.size(),
                interrupted ? "interrupted" : ("--max-time " + format_duration(s.max_time) + " passed").c_str());
  }
  return write_results(json, sweep_results_of(o, points), interrupted, points);
}

int run_sweep_command(sweep_settings& s) {
  if (!s.rates.empty()) {
    return run_rate_sweep_command(s);
  }
  if (s.capacity > 0) {
    throw usage_error("--capacity is for a rate sweep (--rate)");
  }
  auto& o = s.options;
  o.delays = parse_delays(s.delays);
  o.concurrencies = parse_concurrency_spec(s.concurrency);
  o.strategy = *parse_crawl_strategy(s.strategy); // validated by the option's check
  o.max_total = std::chrono::ceil<std::chrono::seconds>(s.max_time);
  o.stop_requested = interrupt_guard::hook();
  o.tls.verify = !s.insecure;
  check_target(s.url, o.tls);
  const auto json = s.json_file.empty() ? output_file() : output_file(s.json_file, "--json");

  const interrupt_guard interrupt;
  target_server target(s.url, delay_server_options{});
  if (const auto skipped = skipped_concurrencies(o); !skipped.empty()) {
    std::string list;
    for (auto c : skipped) {
      list += (list.empty() ? "" : ", ") + std::to_string(c);
    }
    std::printf("skipping concurrencies above n = %zu (they crawl as c = n does): %s\n", o.n, list.c_str());
  }
  std::printf("sweep: %zu delays x %zu concurrencies, n = %zu, strategy %s\n", o.delays.size(),
              swept_concurrencies(o).size(), o.n, s.strategy.c_str());
  const double least_seconds = ideal_total_seconds(o);
  std::printf("takes at least %.1f s (the sum of the ideal times); stops starting new points after %s\n", least_seconds,
              format_duration(s.max_time).c_str());
  if (least_seconds > std::chrono::duration<double>(s.max_time).count()) {
    std::printf("note: --max-time %s is below that least time: the sweep will be partial (raise --max-time, or "
                "sweep fewer delays or concurrencies)\n",
                format_duration(s.max_time).c_str());
  }
  std::fflush(stdout);

  const auto points = run_points(s, o, target);
  target.stop();
  std::printf("\n%s\n", format_sweep_table(points).c_str());
  const std::size_t planned = planned_points(o);
  const bool partial = points.size() < planned;
  for (const auto& best : best_per_delay(points)) {
    std::printf("best concurrency for %lld ms%s: %zu (%.3f s, ideal %.3f s)\n",
                static_cast<long long>(best.delay.count()), partial ? " among the points run" : "", best.concurrency,
                best.seconds, limit_seconds(o.n, best.concurrency, best.delay));
  }
  const bool interrupted = interrupt_guard::requested();
  if (partial) {
    std::printf("partial sweep: stopped after %zu of %zu points, %s\n", points.size(), planned,
                interrupted ? "interrupted" : ("--max-time " + format_duration(s.max_time) + " passed").c_str());
  }
  return write_results(json, sweep_results_of(o, points), interrupted, points);
}

/// Validates a spec while parsing options, so a bad one is a usage error (exit 2).
template <typename Parse> CLI::Validator parses_with(Parse parse, std::string name) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        try {
          parse(text);
          return {};
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
      },
      "", std::move(name));
}

} // namespace

command add_sweep_command(CLI::App& parent) {
  auto settings = std::make_shared<sweep_settings>();
  auto* app = parent.add_subcommand("sweep", "Crawl time against concurrency for several delays (the book's Figure "
                                             "8-3), next to the ideal ceil(N/C) x delay");
  auto& s = *settings;
  auto* delays = app->add_option("--delays", s.delays, "Delays, comma-separated (50, 300ms, 1s; a plain number is ms)")
                     ->capture_default_str()
                     ->check(parses_with(parse_delays, "DELAYS"));
  app->add_option("-n", s.options.n, "Requests per point")->capture_default_str()->check(whole_number(1, 1'000'000));
  auto* concurrency =
      app->add_option(
             "-c,--concurrency", s.concurrency,
             "start:stop:step (stop exclusive) or a comma-separated list; with --rate one number (default 100)")
          ->capture_default_str()
          ->check(parses_with(parse_concurrency_spec, "SPEC"));
  app->add_option("--rate", s.rates,
                  "Sweep offered rates instead (requests per second, comma-separated): a paced crawl per rate, "
                  "latency percentiles from when requests were due and from when they were sent (the hockey stick)")
      ->check(parses_with(parse_rate_list, "RATES"));
  add_duration_option(*app, "--delay", s.delay, {.max = std::chrono::hours(1)},
                      "With --rate: the server's delay (a plain number is ms)");
  add_duration_option(
      *app, "--point-time", s.point_time,
      {.plain_unit = std::chrono::seconds(1), .min = std::chrono::milliseconds(100), .max = std::chrono::hours(1)},
      "With --rate: how long each rate is offered (n = rate x this)");
  app->add_option("--capacity", s.capacity,
                  "With --rate: requests the server serves at once (the embedded server is started with it; for "
                  "--url it only marks the capacity)")
      ->check(whole_number(1, 1'000'000));
  const auto names = crawl_strategy_names();
  app->add_option("--strategy", s.strategy, "Crawl strategy: " + CLI::detail::join(names, ", "))
      ->capture_default_str()
      ->check(CLI::IsMember(names));
  app->add_option("--url", s.url, "Crawl this base URL (delay=MS& is appended) instead of an embedded server");
  app->add_option("--cacert", s.options.tls.ca_file,
                  "https://: trust the certificates in this PEM file instead of the system's store");
  app->add_flag("-k,--insecure", s.insecure, "https://: accept any certificate (still encrypted; not verified)");
  add_duration_option(*app, "--max-time,--max-seconds", s.max_time,
                      {.plain_unit = std::chrono::seconds(1), .min = std::chrono::seconds(1)},
                      "Stop starting new points after this long");
  app->add_option("--json", s.json_file, "Write the points as JSON (docs/FORMATS.md; - for standard output)");
  return {app, [settings, delays, concurrency] {
            settings->grid_given = delays->count() > 0;
            settings->concurrency_given = concurrency->count() > 0;
            try {
              return run_sweep_command(*settings);
            } catch (const std::invalid_argument& e) {
              throw usage_error(e.what());
            }
          }};
}

} // namespace overlap::cli
