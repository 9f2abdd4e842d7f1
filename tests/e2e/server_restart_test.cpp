// Clients against a server that is killed (SIGKILL) in the middle of their run and
// restarted on the same port: the workload's saves and the crawler's requests are
// retried until the run completes, and no acknowledged result is lost or stored twice.
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include "overlap/crawl.hpp"
#include "overlap/http_sink.hpp"
#include "overlap/workload.hpp"

#include <gtest/gtest.h>

#include "support/temporary_store.hpp"
#include <sqlite3.h>

#include <algorithm>
#include <csignal>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;

namespace {

/// Every stored row as (idempotency key, result), read with SQLite directly.
std::vector<std::pair<std::string, std::string>> stored_rows(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  std::vector<std::pair<std::string, std::string>> rows;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT idempotency_key, result FROM results", -1, &stmt, nullptr);
    while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* key = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      const auto* result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
      rows.emplace_back(key ? key : "", result ? result : "");
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return rows;
}

/// Passes saves through to an inner sink and remembers every result the client saw
/// acknowledged (a 2xx answer), by key, so the test can look for each in the store.
class recording_sink final : public result_sink {
public:
  using acknowledged_map = std::map<std::string, std::string>;
  recording_sink(std::unique_ptr<result_sink> inner, std::mutex& mutex, acknowledged_map& acknowledged)
      : inner_(std::move(inner)), mutex_(mutex), acknowledged_(acknowledged) {}

  boost::asio::awaitable<save_reply> save(std::string result, std::string key) override {
    auto reply = co_await inner_->save(result, key);
    if (!reply.ec && reply.status >= 200 && reply.status < 300) {
      std::lock_guard lock(mutex_);
      acknowledged_[key] = result;
    }
    co_return reply;
  }
  void close() override { inner_->close(); }

private:
  std::unique_ptr<result_sink> inner_;
  std::mutex& mutex_;
  acknowledged_map& acknowledged_;
};

/// The number after `"count": ` in GET /results/count's answer.
std::size_t stored_count(std::uint16_t port) {
  const auto body = http_request(port, "GET", "/results/count").body;
  const auto colon = body.find(':');
  return colon == std::string::npos ? 0 : std::stoul(body.substr(colon + 1));
}

/// GET /add requests answered 200 so far, summed from GET /metrics.
std::size_t delays_answered(std::uint16_t port) {
  std::istringstream metrics(http_request(port, "GET", "/metrics").body);
  std::size_t total = 0;
  for (std::string line; std::getline(metrics, line);) {
    if (line.rfind("overlap_requests_total{", 0) == 0 && line.find("route=\"add\"") != std::string::npos &&
        line.find("status=\"200\"") != std::string::npos) {
      total += static_cast<std::size_t>(std::stod(line.substr(line.rfind(' ') + 1)));
    }
  }
  return total;
}

/// Polls `progress` until it reaches `at_least` (at most 20 s); what it last read.
std::size_t wait_for(const std::function<std::size_t()>& progress, std::size_t at_least) {
  std::size_t seen = 0;
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while ((seen = progress()) < at_least && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(2ms);
  }
  return seen;
}

/// SIGKILLs `server`, leaves the port closed for `down` (clients meet refusals), and
/// starts a new one with the same arguments, so on the same port and store.
void kill_and_restart(std::unique_ptr<server_process>& server, const std::vector<std::string>& args,
                      std::chrono::milliseconds down) {
  EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
  std::this_thread::sleep_for(down);
  server = std::make_unique<server_process>(args);
}

/// Runs `body` on a thread of its own; join() rethrows what it threw.
class background_run {
public:
  explicit background_run(std::function<void()> body)
      : thread_([this, body = std::move(body)] {
          try {
            body();
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~background_run() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  void join() {
    thread_.join();
    if (error_) {
      std::rethrow_exception(error_);
    }
  }

private:
  std::exception_ptr error_;
  std::thread thread_;
};

} // namespace

TEST(server_restart, workload_saves_every_result_once_across_a_sigkill_of_its_database) {
  temporary_store store;
  const auto port = std::to_string(free_port());
  const std::vector<std::string> args{"--port", port, "--store", store.path().string(), "--post-delay", "20"};
  auto server = std::make_unique<server_process>(args);

  workload_options options;
  options.mode = workload_mode::async;
  options.difficulty = 4;
  options.n = 300;
  options.concurrency = 20;
  options.retries = 10; // backoff 10 ms doubling, at most 1 s: about 4.3 s of waiting in all
  options.first_backoff = 10ms;
  std::mutex mutex;
  recording_sink::acknowledged_map acknowledged;
  const auto http = http_sink_factory("http://127.0.0.1:" + port + "/add", options.concurrency, 5s);
  const sink_factory recorded = [&](boost::asio::any_io_executor executor) -> std::unique_ptr<result_sink> {
    return std::make_unique<recording_sink>(http(std::move(executor)), mutex, acknowledged);
  };

  workload_result run;
  background_run client([&] { run = run_workload(options, recorded); });
  const auto stored_before_kill = wait_for([&] { return stored_count(server->port()); }, 60);
  kill_and_restart(server, args, 100ms);
  client.join();

  const auto rows = stored_rows(store.path());
  std::set<std::string> keys;
  std::set<std::string> results;
  for (const auto& [key, result] : rows) {
    keys.insert(key);
    results.insert(result);
  }
  std::size_t acknowledged_but_missing = 0;
  for (const auto& [key, result] : acknowledged) {
    acknowledged_but_missing += std::count(rows.begin(), rows.end(), std::pair{key, result}) == 1 ? 0 : 1;
  }
  std::printf("  %zu stored before the kill; sent %llu, saved %llu, retried %llu, failed %llu; errors:",
              stored_before_kill, static_cast<unsigned long long>(run.sent), static_cast<unsigned long long>(run.saved),
              static_cast<unsigned long long>(run.retried), static_cast<unsigned long long>(run.failed));
  for (const auto kind : all_failure_kinds) {
    std::printf(" %s %zu", std::string(to_string(kind)).c_str(), count_of(run.errors_by_kind, kind));
  }
  std::printf("\n  %zu rows stored, %zu distinct keys, %zu distinct results, %zu acknowledged, %zu of them missing\n",
              rows.size(), keys.size(), results.size(), acknowledged.size(), acknowledged_but_missing);

  ASSERT_LT(stored_before_kill, options.n) << "the kill must come in the middle of the run";
  EXPECT_GE(stored_before_kill, 60U);
  EXPECT_EQ(run.saved, options.n);
  EXPECT_EQ(run.failed, 0U);
  EXPECT_GT(run.retried, 0U) << "the kill must have cost some saves an attempt";
  EXPECT_EQ(count_of(run.errors_by_kind, failure_kind::refused) + count_of(run.errors_by_kind, failure_kind::reset),
            run.retried)
      << "a killed server means refused or reset, nothing else";
  EXPECT_EQ(acknowledged.size(), options.n);
  EXPECT_EQ(acknowledged_but_missing, 0U) << "an acknowledged result was lost";
  EXPECT_EQ(rows.size(), options.n) << "a result was stored twice, or not at all";
  EXPECT_EQ(keys.size(), options.n);
  EXPECT_EQ(results.size(), options.n);
  EXPECT_EQ(stored_count(server->port()), options.n);
}

class restarted_crawl : public ::testing::TestWithParam<crawl_strategy> {};

TEST_P(restarted_crawl, retries_through_a_sigkill_of_the_server_and_completes) {
  const auto port = std::to_string(free_port());
  const std::vector<std::string> args{"--port", port};
  auto server = std::make_unique<server_process>(args);

  crawl_options options;
  options.base_url = "http://127.0.0.1:" + port + "/add?name=restart&delay=20&";
  options.strategy = GetParam();
  options.n = GetParam() == crawl_strategy::serial ? 60 : 300;
  options.concurrency = 20;
  options.delay = 20ms;
  options.timeout = 5s;
  options.retries = 10; // backoff 50 ms doubling, at most 1 s: about 6.5 s of waiting in all
  options.seed = 7;

  crawl_result run;
  background_run client([&] { run = run_crawl(options); });
  const auto answered_before_kill = wait_for([&] { return delays_answered(server->port()); }, options.n / 5);
  kill_and_restart(server, args, 100ms);
  client.join();

  const auto& errors = run.errors_by_kind;
  std::printf("  %zu answered before the kill; succeeded %zu, failed %zu, retries %zu; errors:", answered_before_kill,
              run.succeeded, run.failed, run.retries);
  for (const auto kind : all_failure_kinds) {
    std::printf(" %s %zu", std::string(to_string(kind)).c_str(), errors[static_cast<std::size_t>(kind)]);
  }
  std::printf("; %zu answered by the restarted server\n", delays_answered(server->port()));

  ASSERT_LT(answered_before_kill, options.n) << "the kill must come in the middle of the run";
  EXPECT_EQ(run.succeeded, options.n);
  EXPECT_EQ(run.failed, 0U);
  EXPECT_EQ(run.result, options.n) << "every request's body, once";
  EXPECT_GT(run.retries, 0U);
  EXPECT_EQ(run.retries, run.errors()) << "each failed attempt retried once, none given up";
  EXPECT_EQ(errors[static_cast<std::size_t>(failure_kind::refused)] +
                errors[static_cast<std::size_t>(failure_kind::reset)],
            run.errors())
      << "a killed server means refused or reset connections, nothing else";
  EXPECT_GT(delays_answered(server->port()), 0U) << "the restarted server answered the rest";
}

INSTANTIATE_TEST_SUITE_P(server_restart, restarted_crawl, ::testing::ValuesIn(all_crawl_strategies()),
                         [](const auto& info) { return std::string(to_string(info.param)); });
