// One span model, one lane rule, one writer: crawl and workload timelines alike, every
// JSON output checked with Boost.JSON's parser.
#include "overlap/timeline.hpp"

#include "overlap/result_files.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

using namespace overlap;

namespace {

run_header test_header(std::string command = "crawl") {
  run_header h;
  h.command = std::move(command);
  h.argv = "overlap crawl";
  h.date = "2026-01-01T00:00:00Z";
  h.machine = machine_info{2, "cpu", "os", "g++"};
  return h;
}

timeline_run crawl_run(std::vector<span> spans) {
  return timeline_run{.label = "coroutine", .n = spans.size(), .concurrency = 2, .delay_ms = 100, .spans = spans};
}

std::string written(timeline_format format, const std::vector<timeline_run>& runs, std::string command = "crawl") {
  std::ostringstream out;
  write_timeline(out, format, test_header(std::move(command)), runs);
  return out.str();
}

// A workload run: task 0 hashed then saved, task 1 hashed while 0 was saving, no save.
workload_result workload_run() {
  constexpr auto none = std::numeric_limits<double>::quiet_NaN();
  workload_result w;
  w.mode = workload_mode::async;
  w.n = 2;
  w.difficulty = 8;
  w.concurrency = 10;
  w.timeline = {{0.0, 0.015, 0.016, 0.116}, {0.016, 0.031, none, none}};
  return w;
}

} // namespace

TEST(timeline, writes_csv_exactly) {
  const auto text = written(timeline_format::csv, {crawl_run({{1, 0.0015, 0.1025, 200, 1}, {0, 0.001, 0.2, 500, 0}})});
  EXPECT_EQ(text, "label,index,category,start,end,status,bytes\n"
                  "coroutine,1,request,0.001500,0.102500,200,1\n"
                  "coroutine,0,request,0.001000,0.200000,500,0\n");
}

TEST(timeline, a_merged_runs_csv_ends_each_line_with_the_shard) {
  auto run = crawl_run(
      {{0, 0.001, 0.1, 200, 1, span_category::request, 0}, {1, 0.002, 0.2, 200, 1, span_category::request, 1}});
  run.shards = 2;
  EXPECT_EQ(written(timeline_format::csv, {run}), "label,index,category,start,end,status,bytes,shard\n"
                                                  "coroutine,0,request,0.001000,0.100000,200,1,0\n"
                                                  "coroutine,1,request,0.002000,0.200000,200,1,1\n");
  const auto trace = boost::json::parse(written(timeline_format::trace, {run}));
  EXPECT_EQ(trace.at("traceEvents").at(2).at("args").at("shard").as_int64(), 1);
}

TEST(timeline, writes_workload_spans_in_the_same_csv_at_the_same_precision) {
  const auto text = written(timeline_format::csv, {timeline_of(workload_run())}, "workload");
  EXPECT_EQ(text, "label,index,category,start,end,status,bytes\n"
                  "async,0,cpu,0.000000,0.015000,,\n"
                  "async,0,io,0.016000,0.116000,,\n"
                  "async,1,cpu,0.016000,0.031000,,\n");
}

TEST(timeline, json_parses_with_boost_json_and_carries_the_header_and_format) {
  const auto doc =
      boost::json::parse(written(timeline_format::json, {crawl_run({{0, 0.25, 0.5, 200, 1}})})).as_object();
  EXPECT_EQ(doc.at("format").as_int64(), format_version);
  EXPECT_EQ(doc.at("kind").as_string(), "timeline");
  EXPECT_EQ(doc.at("machine").at("cpus").as_int64(), 2);
  const auto& run = doc.at("runs").at(0);
  EXPECT_EQ(run.at("label").as_string(), "coroutine");
  EXPECT_EQ(run.at("spans").at(0).at("category").as_string(), "request");
  EXPECT_DOUBLE_EQ(run.at("spans").at(0).at("end").to_number<double>(), 0.5);
}

TEST(timeline, json_of_a_hundred_thousand_spans_parses_with_boost_json) {
  std::vector<span> spans;
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    spans.push_back({i, static_cast<double>(i) * 1e-5, static_cast<double>(i) * 1e-5 + 0.1, 200, 1});
  }
  const auto doc = boost::json::parse(written(timeline_format::json, {crawl_run(spans)}));
  EXPECT_EQ(doc.at("runs").at(0).at("spans").as_array().size(), 100'000U);
  const auto trace = boost::json::parse(written(timeline_format::trace, {crawl_run(spans)}));
  EXPECT_EQ(trace.at("traceEvents").as_array().size(), 100'001U);
}

TEST(timeline, writes_chrome_trace_events_on_non_overlapping_lanes) {
  const auto doc =
      boost::json::parse(written(timeline_format::trace,
                                 {crawl_run({{0, 0.0, 1.0, 200, 1}, {1, 0.5, 1.5, 200, 1}, {2, 1.0, 2.0, 200, 1}})}))
          .as_object();
  const auto& events = doc.at("traceEvents").as_array();
  ASSERT_EQ(events.size(), 4u); // the process name and three requests
  EXPECT_EQ(events[1].at("ph").as_string(), "X");
  EXPECT_DOUBLE_EQ(events[2].at("ts").to_number<double>(), 500000.0);
  EXPECT_DOUBLE_EQ(events[2].at("dur").to_number<double>(), 1000000.0);
  EXPECT_EQ(events[1].at("tid").as_int64(), 0);
  EXPECT_EQ(events[2].at("tid").as_int64(), 1);
  EXPECT_EQ(events[3].at("tid").as_int64(), 0) << "request 2 starts as request 0 ends";
}

TEST(timeline, the_lane_rule_puts_cpu_lanes_before_io_lanes) {
  // Two hashes at once (threads mode) and two overlapping saves: cpu 0-1, io 2-3.
  const std::vector<span> spans{{.index = 0, .start = 0.0, .end = 1.0, .category = span_category::cpu},
                                {.index = 1, .start = 0.5, .end = 1.5, .category = span_category::cpu},
                                {.index = 0, .start = 1.0, .end = 3.0, .category = span_category::io},
                                {.index = 1, .start = 1.5, .end = 3.5, .category = span_category::io},
                                {.index = 2, .start = 1.5, .end = 2.0, .category = span_category::cpu}};
  EXPECT_EQ(assign_lanes(spans), (std::vector<std::uint32_t>{0, 1, 2, 3, 0}));
}

TEST(timeline, picks_the_format_in_one_place) {
  EXPECT_EQ(timeline_format_for("a/b.csv"), timeline_format::csv);
  EXPECT_EQ(timeline_format_for("b.txt"), std::nullopt);
  EXPECT_EQ(choose_timeline_format("", "b.json"), timeline_format::json);
  EXPECT_EQ(choose_timeline_format("auto", "b.csv"), timeline_format::csv);
  EXPECT_EQ(choose_timeline_format("trace", "b.json"), timeline_format::trace);
  EXPECT_THROW(choose_timeline_format("auto", "b.txt"), std::invalid_argument);
  EXPECT_THROW(choose_timeline_format("yaml", "b.json"), std::invalid_argument);
}
