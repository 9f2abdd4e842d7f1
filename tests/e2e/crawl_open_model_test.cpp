// The open model end to end (crawl_options::rate): the rate is kept as the server
// counts it, and the corrected latency tells the truth that the uncorrected one hides
// when the server cannot keep up or stops for a while.
#include "overlap/crawl.hpp"

#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;

namespace {

std::string add_url(std::uint16_t port, const std::string& name, int delay_ms) {
  return "http://127.0.0.1:" + std::to_string(port) + "/add?name=" + name + "&delay=" + std::to_string(delay_ms) + "&";
}

crawl_options paced(crawl_strategy strategy, const std::string& url, double rate, std::size_t n, std::size_t c) {
  crawl_options o;
  o.base_url = url;
  o.strategy = strategy;
  o.rate = rate;
  o.n = n;
  o.concurrency = c;
  o.seed = 99;
  return o;
}

/// The rate between the first and the last request's start as the server saw them.
double rate_seen_by(delay_server& server, const std::string& name) {
  const auto records = server.records()[name];
  if (records.size() < 2) {
    return 0;
  }
  double first = records.front().start, last = records.front().start;
  for (const auto& r : records) {
    first = std::min(first, r.start);
    last = std::max(last, r.start);
  }
  return static_cast<double>(records.size() - 1) / (last - first);
}

/// How many recorded latencies are above `ms`.
std::uint64_t count_above(const hdr_histogram& h, double ms) {
  std::uint64_t count = 0;
  for (const auto& b : h.nonzero_buckets()) {
    count += static_cast<double>(b.value_us) / 1e3 > ms ? b.count : 0;
  }
  return count;
}

class paced_strategy : public testing::TestWithParam<crawl_strategy> {};

std::string strategy_name(const testing::TestParamInfo<crawl_strategy>& info) {
  return std::string(to_string(info.param));
}

} // namespace

TEST_P(paced_strategy, keeps_the_offered_rate_as_the_server_counts_it) {
  running_server server;
  const auto name = "rate-" + std::string(to_string(GetParam()));
  const auto r = run_crawl(paced(GetParam(), add_url(server.port(), name, 0), 1000, 1500, 20));
  ASSERT_EQ(r.succeeded, 1500u);
  ASSERT_TRUE(r.open_model);
  const double seen = rate_seen_by(server.server(), name);
  std::printf("  %s: 1000 req/s offered, server saw %.1f, client says %.1f, %zu late, lateness p99 %.3f ms\n",
              name.c_str(), seen, r.open_model->achieved_rate.value_or(0), r.open_model->late_starts,
              r.open_model->lateness_histogram.percentile_ms(99));
  EXPECT_NEAR(seen, 1000, 10);
  EXPECT_NEAR(r.open_model->achieved_rate.value_or(0), 1000, 10);
  EXPECT_EQ(r.open_model->sent_per_second.size(), 2u); // 1.5 s of sends
}

TEST_P(paced_strategy, corrects_for_the_wait_that_a_closed_model_would_omit) {
  // Capacity 4 x 20 ms = 200 answers/s; 400/s offered for 0.5 s: the backlog grows by
  // 200 requests a second, so the last due waits about 0.5 s for its turn.
  running_server server([] {
    auto o = running_server::defaults();
    o.capacity = 4;
    return o;
  }());
  const auto r = run_crawl(paced(GetParam(), add_url(server.port(), "over", 20), 400, 200, 4));
  ASSERT_EQ(r.succeeded, 200u);
  const auto& open = *r.open_model;
  std::printf("  %s: corrected p99 %.1f ms, uncorrected p99 %.1f ms, %zu queued\n",
              std::string(to_string(GetParam())).c_str(), open.corrected.p99_ms, r.latency.p99_ms, open.queued);
  EXPECT_GT(open.corrected.p99_ms, 300);
  EXPECT_LT(r.latency.p99_ms, 100);
  EXPECT_GT(open.queued, 100u);
}

INSTANTIATE_TEST_SUITE_P(crawl_open_model, paced_strategy, testing::ValuesIn(all_crawl_strategies()), strategy_name);

TEST(crawl_open_model, keeps_20000_requests_a_second_within_one_percent) {
  running_server server;
  const auto r = run_crawl(paced(crawl_strategy::coroutine, add_url(server.port(), "fast", 0), 20'000, 40'000, 100));
  ASSERT_EQ(r.succeeded, 40'000u);
  const double seen = rate_seen_by(server.server(), "fast");
  std::printf("  20000 req/s offered: server saw %.1f, %zu late, lateness p99 %.3f ms\n", seen,
              r.open_model->late_starts, r.open_model->lateness_histogram.percentile_ms(99));
  EXPECT_NEAR(seen, 20'000, 200);
}

TEST(crawl_open_model, corrected_p99_grows_with_the_run_above_capacity_and_uncorrected_does_not) {
  // Capacity K = 4 at d = 20 ms serves mu = 200/s; R = 400/s offered with C = K. Request
  // i is due at i/R and answered near i/mu + d, so a run of T seconds ends with a wait
  // of T (R/mu - 1) + d: its p99 near 0.99 T + d. Sent requests still take d each.
  running_server server([] {
    auto o = running_server::defaults();
    o.capacity = 4;
    return o;
  }());
  const double rate = 400, mu = 200, d = 0.020;
  double p99_short = 0;
  for (const double seconds : {1.0, 2.0}) {
    const auto n = static_cast<std::size_t>(rate * seconds);
    const auto r = run_crawl(paced(crawl_strategy::coroutine, add_url(server.port(), "grow", 20), rate, n, 4));
    ASSERT_EQ(r.succeeded, n);
    const double expected_ms = (0.99 * seconds * (rate / mu - 1) + d) * 1e3;
    std::printf("  T=%.0f s: corrected p99 %.1f ms (queueing theory %.1f), uncorrected p99 %.1f ms\n", seconds,
                r.open_model->corrected.p99_ms, expected_ms, r.latency.p99_ms);
    EXPECT_NEAR(r.open_model->corrected.p99_ms, expected_ms, expected_ms * 0.25);
    EXPECT_LT(r.latency.p99_ms, 3 * d * 1e3);
    if (seconds == 1.0) {
      p99_short = r.open_model->corrected.p99_ms;
    } else {
      EXPECT_GT(r.open_model->corrected.p99_ms, 1.6 * p99_short);
    }
  }
  // Below capacity both stay near d.
  const auto calm = run_crawl(paced(crawl_strategy::coroutine, add_url(server.port(), "calm", 20), 100, 100, 4));
  std::printf("  below capacity: corrected p99 %.1f ms, uncorrected p99 %.1f ms\n", calm.open_model->corrected.p99_ms,
              calm.latency.p99_ms);
  EXPECT_LT(calm.open_model->corrected.p99_ms, 3 * d * 1e3);
  EXPECT_LT(calm.latency.p99_ms, 3 * d * 1e3);
}

TEST(crawl_open_model, holds_every_request_due_while_the_server_was_stopped) {
  server_process server({"--threads", "1"});
  const double rate = 200;
  auto crawl = std::async(std::launch::async, [&] {
    return run_crawl(paced(crawl_strategy::coroutine, add_url(server.port(), "stall", 1), rate, 600, 20));
  });
  std::this_thread::sleep_for(1s);
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(::kill(server.pid(), SIGCONT), 0);
  const std::chrono::duration<double> stall = std::chrono::steady_clock::now() - stopped;
  ASSERT_EQ(crawl.wait_for(30s), std::future_status::ready);
  const auto r = crawl.get();
  ASSERT_EQ(r.succeeded, 600u);
  // About rate x (stall - 0.1 s) requests were due more than 100 ms before the server
  // came back; C = 20 of them had been sent, the rest waited for a connection.
  const auto corrected_slow = count_above(r.open_model->corrected_histogram, 100);
  const auto uncorrected_slow = count_above(r.latency_histogram, 100);
  std::printf("  stall %.3f s: above 100 ms: corrected %llu, uncorrected %llu; max %.1f vs %.1f ms\n", stall.count(),
              static_cast<unsigned long long>(corrected_slow), static_cast<unsigned long long>(uncorrected_slow),
              r.open_model->corrected.max_ms, r.latency.max_ms);
  EXPECT_GE(static_cast<double>(corrected_slow), 0.75 * rate * (stall.count() - 0.1));
  EXPECT_GE(r.open_model->corrected.max_ms, 0.9 * stall.count() * 1e3);
  EXPECT_LE(uncorrected_slow * 4, corrected_slow);
}
