// The crawler's pure pieces: URLs, request text, latency percentiles, timelines and
// the result file, checked without any I/O.
#include "overlap/crawl.hpp"

#include "crawl/url_source.hpp"
#include "http/request_text.hpp"
#include "http/url.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

using namespace overlap;
using namespace std::chrono_literals;

TEST(url_source, appends_ten_distinct_lowercase_letters) {
  crawl::url_source urls("/add?name=x&delay=1&", 7);
  std::set<std::string> seen;
  std::string target;
  for (int i = 0; i < 1000; ++i) {
    urls.next_target(target);
    ASSERT_EQ(target.size(), std::string("/add?name=x&delay=1&").size() + 10);
    ASSERT_TRUE(target.starts_with("/add?name=x&delay=1&"));
    const auto suffix = target.substr(target.size() - 10);
    std::set<char> letters(suffix.begin(), suffix.end());
    EXPECT_EQ(letters.size(), 10u) << suffix;
    EXPECT_TRUE(std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
    seen.insert(suffix);
  }
  EXPECT_EQ(seen.size(), 1000u) << "suffixes defeat caches: no repeats in 1000";
}

TEST(url_source, repeats_the_same_urls_for_the_same_seed) {
  crawl::url_source a("/", 99), b("/", 99), c("/", 100);
  std::string ta, tb, tc;
  a.next_target(ta);
  b.next_target(tb);
  c.next_target(tc);
  EXPECT_EQ(ta, tb);
  EXPECT_NE(ta, tc);
}

TEST(parse_http_base, splits_host_port_and_target) {
  const auto b = http::parse_http_base("http://127.0.0.1:8080/add?name=a&delay=100&");
  EXPECT_EQ(b.host, "127.0.0.1");
  EXPECT_EQ(b.port, 8080);
  EXPECT_EQ(b.target_prefix, "/add?name=a&delay=100&");
  const auto d = http::parse_http_base("HTTP://localhost");
  EXPECT_EQ(d.port, 80);
  EXPECT_EQ(d.target_prefix, "/");
}

TEST(parse_http_base, takes_https_with_port_443_by_default) {
  const auto b = http::parse_http_base("https://example.test/a");
  EXPECT_TRUE(b.tls);
  EXPECT_EQ(b.port, 443);
  EXPECT_EQ(b.target_prefix, "/a");
  EXPECT_FALSE(http::parse_http_base("http://example.test/").tls);
  EXPECT_EQ(http::parse_http_base("https://example.test:8443/").port, 8443);
}

TEST(parse_http_base, refuses_anything_but_http_and_https) {
  EXPECT_THROW(http::parse_http_base("ftp://127.0.0.1/"), std::invalid_argument);
  EXPECT_THROW(http::parse_http_base("127.0.0.1:80/add"), std::invalid_argument);
  EXPECT_THROW(http::parse_http_base("http://127.0.0.1:99999/"), std::invalid_argument);
  EXPECT_THROW(http::parse_http_base("http://u:p@127.0.0.1/"), std::invalid_argument);
}

TEST(delay_in_url, reads_the_delay_parameter) {
  EXPECT_EQ(delay_in_url("http://h/add?name=delay&delay=250&"), 250ms);
  EXPECT_EQ(delay_in_url("http://h/add?name=x&"), std::nullopt);
  EXPECT_EQ(delay_in_url("http://h/add?delay=abc"), std::nullopt);
}

TEST(request_text, writes_a_get_and_a_post) {
  std::string out;
  http::format_get(out, "/a?b", "h:81", true);
  EXPECT_EQ(out, "GET /a?b HTTP/1.1\r\nHost: h:81\r\n\r\n");
  http::format_get(out, "/", "h", false);
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  const std::array headers{http_header{"Idempotency-Key", "k"}};
  http::format_post(out, "/add", "h", true, "xyz", headers);
  EXPECT_EQ(out, "POST /add HTTP/1.1\r\nHost: h\r\nIdempotency-Key: k\r\nContent-Length: 3\r\n\r\nxyz");
  EXPECT_EQ(http::host_header_for("127.0.0.1", 80), "127.0.0.1");
  EXPECT_EQ(http::host_header_for("::1", 8080), "[::1]:8080");
}

TEST(crawl_result, computes_the_limit_and_efficiency) {
  crawl_result r;
  r.n = 1000;
  r.concurrency = 100;
  r.delay = 100ms;
  r.seconds = 1.25;
  r.succeeded = 1000;
  EXPECT_DOUBLE_EQ(r.limit_seconds().value(), 1.0);
  EXPECT_DOUBLE_EQ(r.efficiency().value(), 0.8);
  EXPECT_DOUBLE_EQ(r.requests_per_second().value(), 800);
  r.n = 1001;
  EXPECT_DOUBLE_EQ(r.limit_seconds().value(), 1.1) << "ceil(N/C) rounds";
}

TEST(crawl_result, a_run_without_a_successful_request_has_no_efficiency_and_no_rate) {
  crawl_result r;
  r.n = 50;
  r.concurrency = 10;
  r.delay = 100ms;
  r.seconds = 0.044; // every connection refused at once
  r.failed = 50;
  EXPECT_TRUE(r.limit_seconds().has_value());
  EXPECT_EQ(r.efficiency(), std::nullopt);
  EXPECT_EQ(r.requests_per_second(), std::nullopt);
}

TEST(crawl_result, an_unknown_delay_gives_no_limit) {
  crawl_result r;
  r.n = 50;
  r.concurrency = 10;
  r.seconds = 1;
  r.succeeded = 50;
  EXPECT_EQ(r.limit_seconds(), std::nullopt);
  EXPECT_EQ(r.efficiency(), std::nullopt);
  EXPECT_DOUBLE_EQ(r.requests_per_second().value(), 50);
}

TEST(crawl_options, a_delay_that_disagrees_with_the_urls_is_refused) {
  crawl_options o;
  o.base_url = "http://127.0.0.1:1/add?delay=10&";
  o.delay = 500ms;
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
  o.delay = 10ms;
  EXPECT_NO_THROW(validate_crawl_options(o));
  o.delay.reset();
  EXPECT_NO_THROW(validate_crawl_options(o));
}

TEST(limit_seconds, is_whole_rounds_of_the_delay) {
  EXPECT_DOUBLE_EQ(limit_seconds(500, 1, 50ms), 25.0);
  EXPECT_DOUBLE_EQ(limit_seconds(500, 26, 50ms), 1.0); // 20 rounds
  EXPECT_DOUBLE_EQ(limit_seconds(500, 500, 800ms), 0.8);
  EXPECT_DOUBLE_EQ(limit_seconds(10, 0, 800ms), 0.0);
}

TEST(crawl_result, extrapolates_a_short_run) {
  crawl_result r;
  r.n = 100;
  r.seconds = 10;
  r.result = 100;
  r.succeeded = 100;
  r.errors_by_kind[1] = 2;
  const auto big = extrapolate(r, 1000);
  EXPECT_TRUE(big.extrapolated);
  EXPECT_EQ(big.n, 1000u);
  EXPECT_DOUBLE_EQ(big.seconds, 100);
  EXPECT_EQ(big.result, 1000u);
  EXPECT_EQ(big.errors_by_kind[1], 20u);
}

TEST(crawl_strategy, names_round_trip) {
  for (const auto s : all_crawl_strategies()) {
    EXPECT_EQ(parse_crawl_strategy(to_string(s)), s);
  }
  EXPECT_EQ(parse_crawl_strategy("gevent"), std::nullopt);
  EXPECT_EQ(all_crawl_strategies().size(), 5u);
}
