// overlap serve: the delay server, until SIGINT, SIGTERM or SIGHUP (a second one stops at once).
#include "command.hpp"
#include "usage.hpp"

#include "overlap/delay_server.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

namespace overlap::cli {

namespace {

struct serve_settings {
  delay_server_options server;
  long long max_records_mb = 64;
  std::string metrics_file;
  bool metrics_file_given = false;
  std::string store_file;
  bool count_only = false;
};

/// A bad option found after parsing: one line, exit status 2.
int refuse(const std::string& why) {
  std::fprintf(stderr, "overlap serve: error: %s\n", why.c_str());
  return 2;
}

/// `--store FILE --count`: how many results the store holds, without serving.
int print_count(const serve_settings& s) {
  if (!std::filesystem::exists(s.store_file)) {
    return refuse("no store at '" + s.store_file + "'");
  }
  try {
    std::printf("%lld\n", static_cast<long long>(overlap::count_stored_results(s.store_file)));
  } catch (const std::invalid_argument& e) {
    return refuse(e.what());
  }
  return 0;
}

/// The server, listening; a port in use is named, with the way out.
std::unique_ptr<delay_server> listen(const delay_server_options& options) {
  try {
    return std::make_unique<delay_server>(options);
  } catch (const boost::system::system_error& e) {
    if (e.code() != boost::asio::error::address_in_use) {
      throw;
    }
    std::fprintf(stderr,
                 "overlap serve: error: cannot listen on %s:%u: the port is in use: stop what holds it, or give "
                 "--port 0 to pick a free port\n",
                 options.host.c_str(), static_cast<unsigned>(options.port));
    return nullptr;
  }
}

/// Waits for SIGINT, SIGTERM or SIGHUP, stops gracefully; a second signal stops at once.
void serve_until_signalled(delay_server& server) {
  boost::asio::io_context signals_context;
  boost::asio::signal_set signals(signals_context, SIGINT, SIGTERM, SIGHUP);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) {
      return;
    }
    std::fprintf(stderr, "overlap serve: stopping: answering requests in flight (a second signal stops at once)\n");
    server.stop();
    signals.async_wait([&server](const boost::system::error_code& second_ec, int) {
      if (!second_ec) {
        std::fprintf(stderr, "overlap serve: stopping at once: requests in flight are dropped\n");
        server.stop_now();
      }
    });
  });
  std::thread signal_thread([&signals_context] { signals_context.run(); });
  try {
    server.join();
  } catch (...) {
    signals_context.stop();
    signal_thread.join();
    throw;
  }
  signals_context.stop();
  signal_thread.join();
}

int run_serve(serve_settings& s) {
  if (s.count_only) {
    return print_count(s);
  }
  if (s.metrics_file_given && s.metrics_file.empty()) {
    return refuse("--metrics-file is empty");
  }
  if (!s.metrics_file.empty()) {
    s.server.metrics_file = s.metrics_file;
  }
  s.server.store_file = s.store_file;
  s.server.max_records_bytes = static_cast<std::size_t>(s.max_records_mb) * 1024 * 1024;

  std::unique_ptr<delay_server> made;
  try {
    made = listen(s.server);
  } catch (const std::invalid_argument& e) { // host, metrics file, store, TLS files: said at start
    return refuse(e.what());
  }
  if (!made) {
    return 1;
  }
  auto& server = *made;
  std::printf("listening on %s\n", server.base_url().c_str());
  std::fflush(stdout);
  server.start();
  serve_until_signalled(server);
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
  app->add_option("--port", s.server.port, "Port; 0 picks a free one")
      ->capture_default_str()
      ->check(whole_number(0, 65'535));
  app->add_option("--threads", s.server.threads, "Event-loop threads")
      ->capture_default_str()
      ->check(whole_number(1, 256));
  app->add_option("--capacity", s.server.capacity,
                  "Requests served at once at most (a database's limit); 0 = unlimited")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app->add_option("--max-records-mb", s.max_records_mb,
                  "Memory for the records of /add (16 bytes each); past it requests are answered but not "
                  "recorded until GET /add?flush=True&reset=True")
      ->capture_default_str()
      ->check(whole_number(1, 65'536));
  add_duration_option(*app, "--post-delay", s.server.post_delay, {.max = std::chrono::hours(1)},
                      "How long POST /add takes");
  app->add_option("--metrics-file", s.metrics_file,
                  "Where GET /add?flush=True writes the records (default ./metric_data.json); also written on exit")
      ->each([&s](const std::string&) { s.metrics_file_given = true; });
  const duration_rule timeout_rule{.min = std::chrono::milliseconds(1), .max = std::chrono::hours(1)};
  add_duration_option(*app, "--header-timeout,--header-timeout-ms", s.server.header_timeout, timeout_rule,
                      "A request must arrive within this");
  add_duration_option(*app, "--idle-timeout,--idle-timeout-ms", s.server.idle_timeout, timeout_rule,
                      "An idle keep-alive connection is closed after this");
  add_duration_option(*app, "--drain-timeout,--drain-timeout-ms", s.server.drain_timeout,
                      {.max = std::chrono::hours(1)},
                      "On SIGINT/SIGTERM/SIGHUP, wait this long for requests in flight");
  auto* store = app->add_option("--store", s.store_file,
                                "SQLite file where POST /add results are stored (WAL mode); a result is "
                                "acknowledged once committed, and a repeated Idempotency-Key is a no-op");
  app->add_flag("--count", s.count_only, "With --store: print how many results the store holds, and exit")
      ->needs(store);
  auto* cert = app->add_option("--tls-cert", s.server.tls_cert_file,
                               "Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate (chain); needs --tls-key");
  auto* key = app->add_option("--tls-key", s.server.tls_key_file, "The PEM private key of --tls-cert");
  cert->needs(key);
  key->needs(cert);
  return {app, [settings] { return run_serve(*settings); }};
}

} // namespace overlap::cli
