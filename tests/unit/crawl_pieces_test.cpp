// The crawler's pure pieces: URLs, request text, latency percentiles, timelines and
// the result file, checked without any I/O.
#include "overlap/crawl.hpp"
#include "overlap/timeline.hpp"

#include "crawl/url_source.hpp"
#include "http/request_text.hpp"
#include "record/latency_histogram.hpp"

#include <boost/json/parse.hpp>
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
  const auto b = crawl::parse_http_base("http://127.0.0.1:8080/add?name=a&delay=100&");
  EXPECT_EQ(b.host, "127.0.0.1");
  EXPECT_EQ(b.port, 8080);
  EXPECT_EQ(b.target_prefix, "/add?name=a&delay=100&");
  const auto d = crawl::parse_http_base("HTTP://localhost");
  EXPECT_EQ(d.port, 80);
  EXPECT_EQ(d.target_prefix, "/");
}

TEST(parse_http_base, refuses_anything_but_http) {
  EXPECT_THROW(crawl::parse_http_base("https://127.0.0.1/"), std::invalid_argument);
  EXPECT_THROW(crawl::parse_http_base("ftp://127.0.0.1/"), std::invalid_argument);
  EXPECT_THROW(crawl::parse_http_base("127.0.0.1:80/add"), std::invalid_argument);
  EXPECT_THROW(crawl::parse_http_base("http://127.0.0.1:99999/"), std::invalid_argument);
  EXPECT_THROW(crawl::parse_http_base("http://u:p@127.0.0.1/"), std::invalid_argument);
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

TEST(latency_histogram, gives_percentiles_within_half_a_percent) {
  record::latency_histogram h;
  for (int ms = 1; ms <= 1000; ++ms) {
    h.add(std::chrono::milliseconds(ms));
  }
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_NEAR(h.quantile_ms(0.50), 500, 500 * 0.005);
  EXPECT_NEAR(h.quantile_ms(0.99), 990, 990 * 0.005);
  EXPECT_DOUBLE_EQ(h.max_ms(), 1000);
  EXPECT_LE(h.quantile_ms(1.0), 1000);
}

TEST(latency_histogram, is_exact_below_512_microseconds) {
  record::latency_histogram h;
  h.add(5us);
  h.add(7us);
  h.add(100us);
  EXPECT_DOUBLE_EQ(h.quantile_ms(0.5), 0.007);
  EXPECT_DOUBLE_EQ(h.quantile_ms(0.0), 0.005);
  EXPECT_EQ(record::latency_histogram{}.quantile_ms(0.5), 0);
}

namespace {
run_header test_header() {
  run_header h;
  h.command = "crawl";
  h.argv = "overlap crawl";
  h.date = "2026-01-01T00:00:00Z";
  h.machine = machine_info{2, "cpu", "os", "g++"};
  return h;
}
} // namespace

TEST(timeline, writes_csv_exactly) {
  std::vector<timeline_run> runs{{"coroutine", 2, 2, 100, {{1, 0.0015, 0.1025, 200, 1}, {0, 0.001, 0.2, 500, 0}}}};
  std::ostringstream out;
  write_timeline(out, timeline_format::csv, test_header(), runs);
  EXPECT_EQ(out.str(), "strategy,index,start,end,status,bytes\n"
                       "coroutine,1,0.001500,0.102500,200,1\n"
                       "coroutine,0,0.001000,0.200000,500,0\n");
}

TEST(timeline, writes_json_with_the_common_header) {
  std::vector<timeline_run> runs{{"curl", 1, 1, 5, {{0, 0.25, 0.5, 200, 1}}}};
  std::ostringstream out;
  write_timeline(out, timeline_format::json, test_header(), runs);
  const auto doc = boost::json::parse(out.str()).as_object();
  EXPECT_EQ(doc.at("kind").as_string(), "timeline");
  EXPECT_EQ(doc.at("machine").at("cpus").as_int64(), 2);
  const auto& run = doc.at("runs").at(0);
  EXPECT_EQ(run.at("strategy").as_string(), "curl");
  EXPECT_DOUBLE_EQ(run.at("requests").at(0).at("end").to_number<double>(), 0.5);
}

TEST(timeline, writes_chrome_trace_events_on_non_overlapping_lanes) {
  std::vector<timeline_run> runs{{"x", 3, 2, 5, {{0, 0.0, 1.0, 200, 1}, {1, 0.5, 1.5, 200, 1}, {2, 1.0, 2.0, 200, 1}}}};
  std::ostringstream out;
  write_timeline(out, timeline_format::trace, test_header(), runs);
  const auto doc = boost::json::parse(out.str()).as_object();
  const auto& events = doc.at("traceEvents").as_array();
  ASSERT_EQ(events.size(), 4u); // the process name and three requests
  EXPECT_EQ(events[1].at("ph").as_string(), "X");
  EXPECT_DOUBLE_EQ(events[2].at("ts").to_number<double>(), 500000.0);
  EXPECT_DOUBLE_EQ(events[2].at("dur").to_number<double>(), 1000000.0);
  EXPECT_EQ(events[1].at("tid").as_int64(), 0);
  EXPECT_EQ(events[2].at("tid").as_int64(), 1);
  EXPECT_EQ(events[3].at("tid").as_int64(), 0) << "request 2 starts as request 0 ends";
}

TEST(timeline, picks_the_format_from_the_extension) {
  EXPECT_EQ(timeline_format_for("a/b.csv"), timeline_format::csv);
  EXPECT_EQ(timeline_format_for("b.json"), timeline_format::json);
  EXPECT_EQ(timeline_format_for("b.txt"), std::nullopt);
}

TEST(crawl_result, computes_the_limit_and_efficiency) {
  crawl_result r;
  r.n = 1000;
  r.concurrency = 100;
  r.delay = 100ms;
  r.seconds = 1.25;
  EXPECT_DOUBLE_EQ(r.limit_seconds(), 1.0);
  EXPECT_DOUBLE_EQ(r.efficiency(), 0.8);
  EXPECT_DOUBLE_EQ(r.requests_per_second(), 800);
  r.n = 1001;
  EXPECT_DOUBLE_EQ(r.limit_seconds(), 1.1) << "ceil(N/C) rounds";
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

TEST(crawl_results_json, has_every_field_report_reads) {
  crawl_result r;
  r.strategy = crawl_strategy::stackful;
  r.n = 10;
  r.concurrency = 5;
  r.delay = 100ms;
  r.result = 9;
  r.seconds = 0.25;
  r.succeeded = 9;
  r.failed = 1;
  r.errors_by_kind[static_cast<std::size_t>(failure_kind::timeout)] = 3;
  r.retries = 2;
  r.latency = {100.5, 101, 102, 103};
  const auto doc = boost::json::parse(crawl_results_json(test_header(), std::span(&r, 1))).as_object();
  EXPECT_EQ(doc.at("command").as_string(), "crawl");
  EXPECT_EQ(doc.at("kind").as_string(), "result");
  const auto& run = doc.at("runs").at(0).as_object();
  EXPECT_EQ(run.at("strategy").as_string(), "stackful");
  EXPECT_EQ(run.at("n").as_int64(), 10);
  EXPECT_EQ(run.at("concurrency").as_int64(), 5);
  EXPECT_EQ(run.at("delay_ms").as_int64(), 100);
  EXPECT_EQ(run.at("result").as_int64(), 9);
  EXPECT_DOUBLE_EQ(run.at("seconds").to_number<double>(), 0.25);
  EXPECT_DOUBLE_EQ(run.at("limit_seconds").to_number<double>(), 0.2);
  EXPECT_DOUBLE_EQ(run.at("efficiency").to_number<double>(), 0.8);
  EXPECT_EQ(run.at("errors").as_int64(), 3);
  EXPECT_EQ(run.at("errors_by_kind").at("timeout").as_int64(), 3);
  EXPECT_EQ(run.at("retries").as_int64(), 2);
  EXPECT_DOUBLE_EQ(run.at("latency_ms").at("p50").to_number<double>(), 100.5);
  EXPECT_DOUBLE_EQ(run.at("latency_ms").at("max").to_number<double>(), 103);
}

TEST(crawl_strategy, names_round_trip) {
  for (const auto s : all_crawl_strategies()) {
    EXPECT_EQ(parse_crawl_strategy(to_string(s)), s);
  }
  EXPECT_EQ(parse_crawl_strategy("gevent"), std::nullopt);
  EXPECT_EQ(all_crawl_strategies().size(), 5u);
}
