// overlap sweep: the book's Figure 8-3, crawl time against concurrency for several delays.
#include "command.hpp"

#include "overlap/delay_server.hpp"
#include "overlap/run_header.hpp"
#include "overlap/sweep.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace overlap::cli {

namespace {

struct sweep_settings {
  sweep_options options;
  std::string delays = "50,300,550,800";
  std::string concurrency = "1:500:25";
  std::string strategy = "coroutine";
  std::string url;
  long long max_seconds = 900;
  std::string json_file;
};

int run_sweep_command(sweep_settings& s) {
  auto& o = s.options;
  o.delays = parse_delay_list(s.delays);
  o.concurrencies = parse_concurrency_spec(s.concurrency);
  o.strategy = *parse_crawl_strategy(s.strategy); // validated by the option's check
  o.max_total = std::chrono::seconds(s.max_seconds);
  const auto header = run_header::capture("sweep");

  std::unique_ptr<delay_server> server;
  if (s.url.empty()) {
    server = std::make_unique<delay_server>(delay_server_options{.port = 0});
    server->start();
  }
  const auto base_url_for = [&](std::chrono::milliseconds delay) {
    const auto ms = std::to_string(delay.count());
    return server ? server->base_url() + "/add?name=sweep-" + ms + "&delay=" + ms + "&"
                  : s.url + (s.url.find('?') == std::string::npos ? "?" : "&") + "delay=" + ms + "&";
  };
  const double ideal = ideal_total_seconds(o);
  std::printf("sweep: %zu delays x %zu concurrencies, n = %zu, strategy %s\n", o.delays.size(), o.concurrencies.size(),
              o.n, s.strategy.c_str());
  std::printf("takes at least %.1f s (the sum of the ideal times); stops starting new points after %lld s\n", ideal,
              s.max_seconds);
  std::fflush(stdout);

  const auto points = run_sweep(o, base_url_for, [](const sweep_point& p) {
    std::fprintf(stderr, "  delay %5lld ms, concurrency %5zu: %8.3f s (ideal %8.3f)\n",
                 static_cast<long long>(p.delay.count()), p.concurrency, p.seconds, p.limit_seconds);
  });
  std::printf("\n%s\n", format_sweep_table(points).c_str());
  for (const auto& best : best_per_delay(points)) {
    std::printf("best concurrency for %lld ms: %zu (%.3f s, ideal %.3f s)\n",
                static_cast<long long>(best.delay.count()), best.concurrency, best.seconds,
                ideal_seconds(o.n, best.concurrency, best.delay));
  }
  const std::size_t planned = o.delays.size() * o.concurrencies.size();
  if (points.size() < planned) {
    std::printf("stopped after %zu of %zu points: --max-seconds %lld passed\n", points.size(), planned, s.max_seconds);
  }
  if (!s.json_file.empty()) {
    std::ofstream out(s.json_file, std::ios::trunc);
    out << sweep_json(header, o, points);
    out.close();
    if (!out) {
      throw std::runtime_error("cannot write '" + s.json_file + "'");
    }
  }
  std::size_t errors = 0;
  for (const auto& p : points) {
    errors += p.errors;
  }
  return errors == 0 ? 0 : 1;
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
  app->add_option("--delays", s.delays, "Delays in ms, comma-separated")
      ->capture_default_str()
      ->check(parses_with(parse_delay_list, "DELAYS"));
  app->add_option("-n", s.options.n, "Requests per point")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  app->add_option("--concurrency", s.concurrency, "start:stop:step (stop exclusive) or a comma-separated list")
      ->capture_default_str()
      ->check(parses_with(parse_concurrency_spec, "SPEC"));
  app->add_option("--strategy", s.strategy, "Crawl strategy")
      ->capture_default_str()
      ->check(CLI::IsMember({"serial", "callback", "stackful", "curl", "coroutine"}));
  app->add_option("--url", s.url, "Crawl this base URL (delay=MS& is appended) instead of an embedded server");
  app->add_option("--max-seconds", s.max_seconds, "Stop starting new points after this long")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 86'400LL));
  app->add_option("--json", s.json_file, "Write the points as JSON (docs/FORMATS.md)");
  return {app, [settings] { return run_sweep_command(*settings); }};
}

} // namespace overlap::cli
