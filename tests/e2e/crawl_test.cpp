// overlap crawl end to end: every strategy against a real delay server on 127.0.0.1,
// port 0, and against a server that fails on purpose.
#include "overlap/crawl.hpp"

#include "support/fault_server.hpp"
#include "support/http_client.hpp"
#include "support/overlap_count.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <algorithm>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;

namespace {

crawl_options options_for(crawl_strategy strategy, const std::string& base_url, std::size_t n, std::size_t c) {
  crawl_options o;
  o.base_url = base_url;
  o.strategy = strategy;
  o.n = n;
  o.concurrency = c;
  o.timeout = 10s;
  o.seed = 12345;
  return o;
}

/// A base URL on a fault_server: `path` then the crawler's random letters, so that
/// each request asks for a URL of its own.
std::string fault_url(const fault_server& server, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + path + "?{random}";
}

std::string add_url(std::uint16_t port, const std::string& name, int delay_ms) {
  return "http://127.0.0.1:" + std::to_string(port) + "/add?name=" + name + "&delay=" + std::to_string(delay_ms) + "&";
}

class every_strategy : public testing::TestWithParam<crawl_strategy> {
protected:
  /// libcurl quietly retries, once, a request whose reused connection breaks before
  /// any byte of the answer (RFC 9112 9.3.1 allows it for GET); such resets never
  /// reach the crawler. Every other strategy reports every reset.
  std::size_t resets_retried_inside_curl(std::size_t injected, std::size_t counted) const {
    if (GetParam() != crawl_strategy::curl) {
      return 0;
    }
    EXPECT_LE(counted, injected);
    return injected - std::min(counted, injected);
  }
};

std::string strategy_name(const testing::TestParamInfo<crawl_strategy>& info) {
  return std::string(to_string(info.param));
}

} // namespace

TEST_P(every_strategy, returns_the_exact_result_for_every_n_and_concurrency) {
  running_server server;
  for (const std::size_t n : {1, 7, 1000}) {
    for (const std::size_t c : {1, 3, 100}) {
      const auto name = "exact-" + std::to_string(n) + "-" + std::to_string(c);
      auto r = run_crawl(options_for(GetParam(), add_url(server.port(), name, 1), n, c));
      EXPECT_EQ(r.result, n) << name;
      EXPECT_EQ(r.succeeded, n) << name;
      EXPECT_EQ(r.failed, 0u) << name;
      EXPECT_EQ(r.errors(), 0u) << name;
      EXPECT_LE(r.connections, std::min(n, c)) << name << ": keep-alive reuses connections";
      EXPECT_EQ(server.server().records()[name].size(), n) << name;
      std::printf("  %s n=%zu c=%zu: %.3f s, %zu connections\n", std::string(to_string(GetParam())).c_str(), n, c,
                  r.seconds, r.connections);
    }
  }
}

TEST_P(every_strategy, never_exceeds_the_concurrency) {
  running_server server;
  constexpr std::size_t c = 7;
  const auto r = run_crawl(options_for(GetParam(), add_url(server.port(), "cap", 20), 60, c));
  EXPECT_EQ(r.result, 60u);
  const auto records = server.server().records()["cap"];
  ASSERT_EQ(records.size(), 60u);
  const auto most = most_overlapping(records);
  std::printf("  at most %zu in flight at the server (cap %zu), %.3f s\n", most, c, r.seconds);
  EXPECT_LE(most, c);
  if (GetParam() != crawl_strategy::serial) {
    EXPECT_GE(most, 2u) << "requests should overlap";
  } else {
    EXPECT_EQ(most, 1u) << "serial means one at a time";
  }
}

TEST_P(every_strategy, counts_and_retries_every_injected_fault) {
  fault_server server;
  auto o = options_for(GetParam(), fault_url(server, "/faulty"), 120, 5);
  o.retries = 1; // each faulty target fails once only
  const auto r = run_crawl(o);
  const auto injected = server.counts();
  std::printf("  injected 500 x%zu, reset x%zu, malformed x%zu over %zu requests\n", injected.status_500,
              injected.resets, injected.malformed, injected.requests);
  ASSERT_GT(injected.total_faults(), 0u) << "the seed must hit some faulty targets";
  EXPECT_EQ(r.result, 120u);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.errors_by_kind[static_cast<std::size_t>(failure_kind::status)], injected.status_500);
  EXPECT_EQ(r.errors_by_kind[static_cast<std::size_t>(failure_kind::malformed)], injected.malformed);
  const auto resets = r.errors_by_kind[static_cast<std::size_t>(failure_kind::reset)];
  const auto resets_hidden = resets_retried_inside_curl(injected.resets, resets);
  EXPECT_EQ(resets + resets_hidden, injected.resets);
  EXPECT_EQ(r.retries + resets_hidden, injected.total_faults());
  EXPECT_EQ(injected.requests, 120 + injected.total_faults()) << "one more attempt per fault, no other";
}

TEST_P(every_strategy, reports_requests_that_fail_on_their_last_attempt) {
  fault_server server;
  auto o = options_for(GetParam(), fault_url(server, "/faulty"), 100, 4);
  o.retries = 0;
  const auto r = run_crawl(o);
  const auto injected = server.counts();
  const auto resets = r.errors_by_kind[static_cast<std::size_t>(failure_kind::reset)];
  EXPECT_EQ(r.failed + resets_retried_inside_curl(injected.resets, resets), injected.total_faults());
  EXPECT_EQ(r.succeeded + r.failed, 100u);
  EXPECT_EQ(r.result, r.succeeded);
  EXPECT_EQ(r.retries, 0u);
}

TEST_P(every_strategy, opens_a_connection_per_request_without_keepalive) {
  running_server server;
  auto o = options_for(GetParam(), add_url(server.port(), "close", 1), 30, 3);
  o.keep_alive = false;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.result, 30u);
  EXPECT_EQ(r.connections, 30u);
  EXPECT_EQ(r.errors(), 0u);
}

TEST_P(every_strategy, times_out_a_request_that_gets_no_answer) {
  running_server server;
  auto o = options_for(GetParam(), add_url(server.port(), "slow", 400), 2, 2);
  o.timeout = 100ms;
  o.retries = 1;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.failed, 2u);
  EXPECT_EQ(r.result, 0u);
  EXPECT_EQ(r.errors_by_kind[static_cast<std::size_t>(failure_kind::timeout)], 4u);
  EXPECT_GE(r.seconds, 0.2) << "two attempts of 100 ms each";
}

TEST_P(every_strategy, counts_refused_connections) {
  boost::asio::io_context ctx;
  // Bound but not listening: connecting to it is refused.
  boost::asio::ip::tcp::acceptor closed(ctx);
  closed.open(boost::asio::ip::tcp::v4());
  closed.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
  auto o = options_for(GetParam(), "http://127.0.0.1:" + std::to_string(closed.local_endpoint().port()) + "/", 3, 2);
  o.retries = 1;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.failed, 3u);
  EXPECT_EQ(r.errors_by_kind[static_cast<std::size_t>(failure_kind::refused)], 6u);
  EXPECT_EQ(r.retries, 3u);
}

TEST_P(every_strategy, records_a_timeline_of_every_request) {
  running_server server;
  auto o = options_for(GetParam(), add_url(server.port(), "timeline", 5), 20, 4);
  o.record_timeline = true;
  const auto r = run_crawl(o);
  ASSERT_EQ(r.timeline.size(), 20u);
  std::vector<bool> seen(20, false);
  for (const auto& span : r.timeline) {
    ASSERT_LT(span.index, 20u);
    seen[span.index] = true;
    EXPECT_LE(span.start, span.end);
    EXPECT_GE(span.end - span.start, 0.005) << "the server waits 5 ms";
    EXPECT_EQ(span.status, 200);
    EXPECT_EQ(span.bytes, 1u);
  }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
  const auto lanes = assign_lanes(r.timeline);
  EXPECT_LE(*std::max_element(lanes.begin(), lanes.end()) + 1, 4u);
}

TEST_P(every_strategy, skips_interim_answers_and_keeps_answers_in_step) {
  fault_server server(fault_style::interim_then_ok);
  auto o = options_for(GetParam(), fault_url(server, "/interim"), 12, 3);
  o.retries = 0;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 12u);
  EXPECT_EQ(r.result, 12u) << "each request's own 200, once";
  EXPECT_EQ(r.errors(), 0u);
  EXPECT_EQ(server.counts().requests, 12u);
}

TEST_P(every_strategy, counts_an_answer_cut_off_in_its_headers_as_a_reset) {
  fault_server server(fault_style::truncated_head);
  auto o = options_for(GetParam(), fault_url(server, "/cut"), 3, 2);
  o.retries = 1;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 0u);
  EXPECT_EQ(r.failed, 3u);
  EXPECT_EQ(r.result, 0u);
  EXPECT_EQ(count_of(r.errors_by_kind, failure_kind::reset), 6u);
  EXPECT_EQ(r.errors(), 6u) << "reset and nothing else";
}

TEST_P(every_strategy, counts_an_endless_body_as_malformed_once_over_the_body_limit) {
  fault_server server(fault_style::endless_body);
  auto o = options_for(GetParam(), fault_url(server, "/endless"), 2, 2);
  o.retries = 0;
  o.timeout = 60s; // the body limit (8 MiB) comes long before the deadline
  const auto r = run_crawl(o);
  std::printf("  %.3f s for 2 endless answers\n", r.seconds);
  EXPECT_EQ(r.failed, 2u);
  EXPECT_EQ(count_of(r.errors_by_kind, failure_kind::malformed), 2u);
  EXPECT_EQ(r.errors(), 2u) << "malformed and nothing else";
}

TEST_P(every_strategy, waits_as_long_as_retry_after_asks_on_a_503) {
  fault_server server(fault_style::busy_then_ok);
  auto o = options_for(GetParam(), fault_url(server, "/busy"), 3, 3);
  o.retries = 1;
  const auto r = run_crawl(o);
  std::printf("  %.3f s with Retry-After: 1 (backoff alone: 0.05 s)\n", r.seconds);
  EXPECT_EQ(r.succeeded, 3u);
  EXPECT_EQ(count_of(r.errors_by_kind, failure_kind::status), 3u);
  EXPECT_EQ(server.counts().busy_503, 3u);
  EXPECT_GE(r.seconds, 1.0) << "retried before the second the server asked for";
}

TEST_P(every_strategy, starts_no_request_once_a_stop_is_requested_and_counts_those_that_ran) {
  running_server server;
  constexpr std::size_t allowed = 25;
  auto o = options_for(GetParam(), add_url(server.port(), "stop", 1), 100, 10);
  std::size_t asked = 0; // asked once per request about to start, on the crawl's thread
  o.stop_requested = [&asked] { return asked++ >= allowed; };
  const auto r = run_crawl(o);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.n, allowed);
  EXPECT_EQ(r.succeeded, allowed) << "the requests in flight finished";
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(server.server().records()["stop"].size(), allowed);
}

INSTANTIATE_TEST_SUITE_P(crawl, every_strategy, testing::ValuesIn(all_crawl_strategies()), strategy_name);

TEST(crawl, refuses_a_url_that_is_not_http_or_https) {
  crawl_options o;
  o.base_url = "ftp://example.com/";
  EXPECT_THROW(run_crawl(o), std::invalid_argument);
  o.base_url = "https://127.0.0.1:1/";
  o.tls.ca_file = "/nonexistent/ca.pem"; // a CA file that does not load: refused before the run
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
  o.tls = {};
  o.base_url = "not a url";
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
  o.base_url = "http://127.0.0.1:1/";
  o.concurrency = 0;
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
}
