// overlap crawl: the book's crawler experiment in every concurrency style, against the
// embedded delay server or any http:// server, next to the limit ceil(N/C) x delay.
#include "command.hpp"

#include "overlap/crawl.hpp"
#include "overlap/delay_server.hpp"
#include "overlap/fd_limit.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace overlap::cli {

namespace {

// `all` runs the serial strategy on this many requests at most and scales its time up.
constexpr std::size_t serial_sample = 100;
// Descriptors besides the connections: stdio, event loops, timers, the listener.
constexpr std::uint64_t spare_descriptors = 64;

struct crawl_settings {
  std::string url;
  std::size_t n = 1000;
  std::size_t concurrency = 100;
  long long delay_ms = 100;
  std::string strategy = "coroutine";
  std::string timeline_file;
  std::string timeline_format;
  std::string json_file;
  double timeout_seconds = 10;
  unsigned retries = 2;
  bool no_keepalive = false;
  std::uint64_t seed = 0;
  bool delay_given = false;
};

/// A usage problem found after parsing: one line, exit status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::optional<timeline_format> chosen_timeline_format(const crawl_settings& s) {
  if (s.timeline_file.empty()) {
    return std::nullopt;
  }
  if (s.timeline_format == "csv") {
    return timeline_format::csv;
  }
  if (s.timeline_format == "json") {
    return timeline_format::json;
  }
  if (s.timeline_format == "trace") {
    return timeline_format::trace;
  }
  if (auto f = timeline_format_for(s.timeline_file)) {
    return f;
  }
  throw usage_error("--timeline: name a .csv or .json file, or give --timeline-format");
}

std::vector<crawl_strategy> chosen_strategies(const crawl_settings& s) {
  if (s.strategy == "all") {
    const auto all = all_crawl_strategies();
    return {all.begin(), all.end()};
  }
  return {*parse_crawl_strategy(s.strategy)};
}

void print_progress(std::string_view strategy, const crawl_progress& p) {
  std::fprintf(stderr, "\r  %.*s: %zu/%zu requests (%.0f%%), %zu errors, %.1f s, %.0f req/s\033[K",
               static_cast<int>(strategy.size()), strategy.data(), p.done, p.n,
               100.0 * static_cast<double>(p.done) / static_cast<double>(p.n), p.errors, p.seconds,
               p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0.0);
  std::fflush(stderr);
}

std::string errors_text(const crawl_result& r) {
  std::string text = std::to_string(r.errors());
  if (r.errors() == 0) {
    return text;
  }
  text += " (";
  bool first = true;
  for (auto kind : all_failure_kinds) {
    const auto count = r.errors_by_kind[static_cast<std::size_t>(kind)];
    if (count > 0) {
      text += (first ? "" : ", ") + std::string(to_string(kind)) + " " + std::to_string(count);
      first = false;
    }
  }
  return text + "), retries " + std::to_string(r.retries) + ", failed " + std::to_string(r.failed);
}

void print_run(const crawl_result& r) {
  std::printf("Result: %llu, Time: %.4f%s\n", static_cast<unsigned long long>(r.result), r.seconds,
              r.extrapolated ? " (extrapolated)" : "");
  const auto name = to_string(r.strategy);
  std::printf("%.*s: n=%zu c=%zu delay=%lld ms: %.4f s, limit %.3f s, efficiency %.3f, %.1f req/s, "
              "latency p50 %.1f p99 %.1f max %.1f ms, %zu connections, errors %s\n",
              static_cast<int>(name.size()), name.data(), r.n, r.concurrency, static_cast<long long>(r.delay.count()),
              r.seconds, r.limit_seconds(), r.efficiency(), r.requests_per_second(), r.latency.p50_ms, r.latency.p99_ms,
              r.latency.max_ms, r.connections, errors_text(r).c_str());
  std::fflush(stdout);
}

/// The book's Table 8-1, with the limit next to every strategy.
void print_table(const std::vector<crawl_result>& runs) {
  std::printf("\n| strategy   |   seconds |  limit s | efficiency |     req/s | p50 ms | p99 ms |  max ms | errors |\n"
              "|------------|----------:|---------:|-----------:|----------:|-------:|-------:|--------:|-------:|\n");
  bool any_extrapolated = false;
  for (const auto& r : runs) {
    const auto name = std::string(to_string(r.strategy)) + (r.extrapolated ? "*" : "");
    any_extrapolated = any_extrapolated || r.extrapolated;
    std::printf("| %-10s | %9.3f | %8.3f | %10.3f | %9.1f | %6.1f | %6.1f | %7.1f | %6zu |\n", name.c_str(), r.seconds,
                r.limit_seconds(), r.efficiency(), r.requests_per_second(), r.latency.p50_ms, r.latency.p99_ms,
                r.latency.max_ms, r.errors());
  }
  if (any_extrapolated) {
    std::printf("* measured on %zu requests and scaled to n, as the book's serial figure\n", serial_sample);
  }
}

/// The embedded server holds one descriptor per connection too: both sides in one
/// process need twice the connections.
void check_descriptors(const crawl_settings& s, bool embedded) {
  const auto limits = raise_fd_limit();
  const std::uint64_t need = (embedded ? 2 : 1) * static_cast<std::uint64_t>(s.concurrency) + spare_descriptors;
  if (limits.soft != 0 && need > limits.soft) {
    throw usage_error(
        "-c " + std::to_string(s.concurrency) + (embedded ? " with the embedded server" : "") + " needs about " +
        std::to_string(need) + " open files but the limit is " + std::to_string(limits.soft) +
        (embedded ? ": run `overlap serve` in another process and pass --url, or lower -c" : ": lower -c"));
  }
}

crawl_options base_options(const crawl_settings& s) {
  crawl_options o;
  o.base_url = s.url;
  o.n = s.n;
  o.concurrency = s.concurrency;
  o.delay = std::chrono::milliseconds(s.delay_ms);
  o.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(s.timeout_seconds * 1000)));
  o.retries = s.retries;
  o.keep_alive = !s.no_keepalive;
  o.record_timeline = !s.timeline_file.empty();
  o.seed = s.seed;
  return o;
}

void write_outputs(const crawl_settings& s, const std::vector<crawl_result>& runs) {
  const auto header = run_header::capture("crawl");
  if (!s.json_file.empty()) {
    std::ofstream out(s.json_file, std::ios::trunc);
    out << crawl_results_json(header, runs);
    if (!out.flush()) {
      throw std::runtime_error("cannot write " + s.json_file);
    }
  }
  if (const auto format = chosen_timeline_format(s)) {
    std::vector<timeline_run> timelines;
    for (const auto& r : runs) {
      // An extrapolated run's timeline holds the requests actually made.
      const auto n = r.extrapolated ? r.timeline.size() : r.n;
      timelines.push_back(
          timeline_run{std::string(to_string(r.strategy)), n, r.concurrency, r.delay.count(), r.timeline});
    }
    std::ofstream out(s.timeline_file, std::ios::trunc);
    write_timeline(out, *format, header, timelines);
    if (!out.flush()) {
      throw std::runtime_error("cannot write " + s.timeline_file);
    }
  }
}

int report_failures(const std::vector<crawl_result>& runs) {
  int status = 0;
  for (const auto& r : runs) {
    if (r.failed > 0) {
      const auto name = to_string(r.strategy);
      std::fprintf(stderr, "overlap crawl: %.*s: %zu of %zu requests failed after their retries; errors %s\n",
                   static_cast<int>(name.size()), name.data(), r.failed, r.n, errors_text(r).c_str());
      status = 1;
    }
  }
  return status;
}

int run_crawl_command(crawl_settings& s) {
  const bool embedded = s.url.empty();
  if (!embedded && !s.delay_given) {
    // The limit uses the server's delay: take it from the URL when it says.
    if (const auto in_url = delay_in_url(s.url)) {
      s.delay_ms = in_url->count();
    }
  }
  const auto strategies = chosen_strategies(s);
  chosen_timeline_format(s); // a bad --timeline is a usage error before anything runs
  crawl_options options = base_options(s);
  if (!embedded) {
    validate_crawl_options(options);
  }
  check_descriptors(s, embedded);

  std::unique_ptr<delay_server> server;
  if (embedded) {
    server = std::make_unique<delay_server>(delay_server_options{.port = 0, .threads = 1});
    server->start();
  }
  const bool show_progress = isatty(STDERR_FILENO) == 1;
  std::vector<crawl_result> runs;
  for (const auto strategy : strategies) {
    crawl_options o = options;
    o.strategy = strategy;
    const auto name = std::string(to_string(strategy));
    if (embedded) {
      o.base_url = server->base_url() + "/add?name=" + name + "&delay=" + std::to_string(s.delay_ms) + "&";
    }
    const bool sampled = strategies.size() > 1 && strategy == crawl_strategy::serial && o.n > serial_sample;
    if (sampled) {
      o.n = serial_sample;
    }
    bool progress_shown = false;
    if (show_progress) {
      o.on_progress = [name, &progress_shown](const crawl_progress& p) {
        print_progress(name, p);
        progress_shown = true;
      };
    }
    auto result = run_crawl(o);
    if (progress_shown) {
      std::fprintf(stderr, "\r\033[K");
    }
    runs.push_back(sampled ? extrapolate(result, s.n) : std::move(result));
    if (sampled) {
      runs.back().timeline = std::move(result.timeline);
    }
    print_run(runs.back());
  }
  if (runs.size() > 1) {
    print_table(runs);
  }
  if (server) {
    server->stop();
    server->join();
  }
  write_outputs(s, runs);
  return report_failures(runs);
}

} // namespace

command add_crawl_command(CLI::App& parent) {
  auto settings = std::make_shared<crawl_settings>();
  auto& s = *settings;
  auto* app = parent.add_subcommand(
      "crawl", "Fetch N URLs (BASE + 10 random letters) with at most C in flight, in one concurrency style or "
               "all of them, and compare the time with the limit ceil(N/C) x delay.");
  app->add_option("--url", s.url,
                  "Base URL (http:// only); without it an embedded delay server is crawled at "
                  "/add?name=<strategy>&delay=<delay>&");
  app->add_option("-n", s.n, "Number of requests")->capture_default_str()->check(CLI::Range(1, 1'000'000'000));
  app->add_option("-c", s.concurrency, "Requests in flight at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  auto* delay = app->add_option("--delay", s.delay_ms,
                                "The server's delay in ms (for the embedded URL and the limit; "
                                "with --url, taken from its delay= if not given)")
                    ->capture_default_str()
                    ->check(CLI::Range(0LL, 3'600'000LL));
  app->add_option("--strategy", s.strategy, "serial, callback, stackful, curl, coroutine or all")
      ->capture_default_str()
      ->check(CLI::IsMember({"serial", "callback", "stackful", "curl", "coroutine", "all"}));
  app->add_option("--timeline", s.timeline_file, "Write every request's start and end (.csv or .json)");
  app->add_option("--timeline-format", s.timeline_format, "Timeline format instead of the extension's")
      ->check(CLI::IsMember({"csv", "json", "trace"}));
  app->add_option("--json", s.json_file, "Write the results as JSON (read by overlap report)");
  app->add_option("--timeout", s.timeout_seconds, "Seconds one attempt may take")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86'400.0));
  app->add_option("--retries", s.retries, "Further attempts after a failure (backoff 50 ms doubling, at most 1 s)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  app->add_flag("--no-keepalive", s.no_keepalive, "A new connection for every request");
  app->add_option("--seed", s.seed, "Seed of the random URL suffixes (0: random)")->capture_default_str();
  return {app, [settings, delay] {
            settings->delay_given = delay->count() > 0;
            try {
              return run_crawl_command(*settings);
            } catch (const usage_error& e) {
              std::fprintf(stderr, "overlap crawl: error: %s\n", e.what());
              return 2;
            } catch (const std::invalid_argument& e) {
              std::fprintf(stderr, "overlap crawl: error: %s\n", e.what());
              return 2;
            }
          }};
}

} // namespace overlap::cli
