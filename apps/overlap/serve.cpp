// overlap serve: the delay server, until SIGINT or SIGTERM.
#include "command.hpp"

#include "overlap/delay_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace overlap::cli {

namespace {

struct serve_settings {
  delay_server_options server;
  long long post_delay_ms = 100;
  long long header_timeout_ms = 10'000;
  long long idle_timeout_ms = 60'000;
  long long drain_timeout_ms = 30'000;
  std::string metrics_file;
  std::string store_file;
  bool count_only = false;
};

/// `--store FILE --count`: how many results the store holds, without serving.
int print_count(const serve_settings& s) {
  if (!std::filesystem::exists(s.store_file)) {
    throw std::runtime_error("no store at '" + s.store_file + "'");
  }
  std::printf("%lld\n", static_cast<long long>(overlap::count_stored_results(s.store_file)));
  return 0;
}

int run_serve(serve_settings& s) {
  if (s.count_only) {
    return print_count(s);
  }
  s.server.post_delay = std::chrono::milliseconds(s.post_delay_ms);
  s.server.header_timeout = std::chrono::milliseconds(s.header_timeout_ms);
  s.server.idle_timeout = std::chrono::milliseconds(s.idle_timeout_ms);
  s.server.drain_timeout = std::chrono::milliseconds(s.drain_timeout_ms);
  if (!s.metrics_file.empty()) {
    s.server.metrics_file = s.metrics_file;
  }
  s.server.store_file = s.store_file;

  boost::asio::io_context signals_context;
  boost::asio::signal_set signals(signals_context, SIGINT, SIGTERM);
  delay_server server(s.server);
  std::printf("listening on %s\n", server.base_url().c_str());
  std::fflush(stdout);
  server.start();

  signals.async_wait([](const boost::system::error_code&, int) {});
  signals_context.run();
  std::fprintf(stderr, "overlap serve: stopping: answering requests in flight\n");
  server.stop();
  server.join();
  if (!s.metrics_file.empty()) {
    server.write_metrics_file();
    std::fprintf(stderr, "overlap serve: wrote %s\n", s.metrics_file.c_str());
  }
  return 0;
}

} // namespace

command add_serve_command(CLI::App& parent) {
  auto settings = std::make_shared<serve_settings>();
  auto* app = parent.add_subcommand("serve", "Run the delay server: GET /add answers after ?delay= ms, POST /add "
                                             "is a slow database, GET /metrics shows counters.");
  auto& s = *settings;
  app->add_option("--host", s.server.host, "Address to listen on")->capture_default_str();
  app->add_option("--port", s.server.port, "Port; 0 picks a free one")->capture_default_str();
  app->add_option("--threads", s.server.threads, "Event-loop threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app->add_option("--capacity", s.server.capacity,
                  "Requests served at once at most (a database's limit); 0 = unlimited")
      ->capture_default_str();
  app->add_option("--post-delay", s.post_delay_ms, "Milliseconds POST /add takes")
      ->capture_default_str()
      ->check(CLI::Range(0LL, 3'600'000LL));
  app->add_option("--metrics-file", s.metrics_file,
                  "Where GET /add?flush=True writes the records (default ./metric_data.json); also written on exit");
  app->add_option("--header-timeout-ms", s.header_timeout_ms, "A request must arrive within this")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 3'600'000LL));
  app->add_option("--idle-timeout-ms", s.idle_timeout_ms, "An idle keep-alive connection is closed after this")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 3'600'000LL));
  app->add_option("--drain-timeout-ms", s.drain_timeout_ms, "On SIGINT/SIGTERM, wait this long for requests in flight")
      ->capture_default_str()
      ->check(CLI::Range(0LL, 3'600'000LL));
  auto* store = app->add_option("--store", s.store_file,
                                "SQLite file where POST /add results are stored (WAL mode); a result is "
                                "acknowledged once committed, and a repeated Idempotency-Key is a no-op");
  app->add_flag("--count", s.count_only, "With --store: print how many results the store holds, and exit")
      ->needs(store);
  return {app, [settings] { return run_serve(*settings); }};
}

} // namespace overlap::cli
