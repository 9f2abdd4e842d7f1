#include "report/inputs.hpp"

#include "overlap/report.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace overlap;
using namespace overlap::report;

namespace {

const std::string header_of(const std::string& command, const std::string& kind) {
  return R"("format": 1, "command": ")" + command + R"(", "kind": ")" + kind +
         R"(", "argv": "overlap x", "date": "2026-01-01T00:00:00Z", "machine": {"cpus": 2})";
}

// The message report_input_error carries for `text`, or "" when it parses.
std::string error_for(const std::string& text, const std::string& name = "in.json") {
  try {
    parse_input(text, name);
  } catch (const overlap::report_input_error& e) {
    return e.what();
  }
  return "";
}

} // namespace

// A crawl run with every required field; `extra` is spliced in before the closing brace.
std::string crawl_run_text(const std::string& extra = "") {
  return R"({"strategy": "coroutine", "n": 1000, "concurrency": 100, "delay_ms": 100, "result": 1000,
      "seconds": 1.0123, "extrapolated": false, "succeeded": 998, "failed": 2,
      "errors_by_kind": {"refused": 0, "reset": 2}, "retries": 1, "connections": 100,
      "latency_ms": {"p50": 100.2, "p90": 100.4, "p99": 101.0, "max": 102.3})" +
         extra + "}";
}

TEST(report_inputs, a_crawl_result_reads_into_the_public_type) {
  const auto in =
      parse_input("{" + header_of("crawl", "result") + R"(, "runs": [)" + crawl_run_text() + "]}", "crawl.json");
  EXPECT_EQ(in.contents.header.command, "crawl");
  EXPECT_EQ(in.contents.header.argv, "overlap x");
  EXPECT_EQ(in.contents.header.machine.cpus, 2U);
  const auto& run = std::get<crawl_results>(in.contents.body).runs.at(0);
  EXPECT_EQ(run.strategy, crawl_strategy::coroutine);
  EXPECT_EQ(run.n, 1000U);
  EXPECT_DOUBLE_EQ(run.seconds, 1.0123);
  EXPECT_EQ(run.errors(), 2U);
  EXPECT_EQ(run.errors_by_kind[static_cast<std::size_t>(failure_kind::reset)], 2U);
  EXPECT_DOUBLE_EQ(run.latency.p99_ms, 101.0);
  EXPECT_DOUBLE_EQ(run.limit_seconds().value(), 1.0);
}

TEST(report_inputs, a_null_delay_is_an_unknown_one_and_derived_fields_are_recomputed) {
  auto text = crawl_run_text(R"(, "efficiency": 12.5)");
  text.replace(text.find(R"("delay_ms": 100)"), 15, R"("delay_ms": null)");
  const auto in = parse_input("{" + header_of("crawl", "result") + R"(, "runs": [)" + text + "]}", "crawl.json");
  const auto& run = std::get<crawl_results>(in.contents.body).runs.at(0);
  EXPECT_FALSE(run.delay.has_value());
  EXPECT_FALSE(run.limit_seconds().has_value());
  EXPECT_FALSE(run.efficiency().has_value()) << "the file's efficiency is derived, not read";
}

TEST(report_inputs, unknown_fields_are_ignored) {
  EXPECT_EQ(error_for("{" + header_of("sweep", "result") +
                      R"(, "strategy": "coroutine", "n": 5, "partial": false, "skipped_concurrencies": [],
                         "future": [1], "points": [{"delay_ms": 50, "concurrency": 1, "seconds": 0.3,
                         "limit_seconds": 0.25, "errors": 0, "extra": "x"}]})"),
            "");
}

TEST(report_inputs, a_file_without_a_format_version_is_refused) {
  EXPECT_EQ(error_for(R"({"command": "crawl", "kind": "result", "argv": "x", "runs": []})"),
            "in.json: format: missing (an integer is required)");
}

TEST(report_inputs, a_missing_required_field_is_named_with_its_path) {
  auto second = crawl_run_text();
  second.erase(second.find(R"("seconds": 1.0123,)"), 18);
  EXPECT_EQ(error_for("{" + header_of("crawl", "result") + R"(, "runs": [)" + crawl_run_text() + ", " + second + "]}"),
            "in.json: runs[1].seconds: missing (a number is required)");
}

TEST(report_inputs, a_mistyped_field_says_what_it_got) {
  EXPECT_EQ(error_for("{" + header_of("crawl", "timeline") +
                      R"(, "runs": [{"label": "a", "n": 1, "concurrency": 1, "spans": [{"index": 0,
                         "category": "request", "start": "0.1", "end": 0.2}]}]})"),
            "in.json: runs[0].spans[0].start: expected a number, got a string");
  auto fractional = crawl_run_text();
  fractional.replace(fractional.find(R"("n": 1000)"), 9, R"("n": 1.5)");
  EXPECT_EQ(error_for("{" + header_of("crawl", "result") + R"(, "runs": [)" + fractional + "]}"),
            "in.json: runs[0].n: expected an integer, got a number");
  EXPECT_EQ(error_for("{" + header_of("crawl", "result") + R"(, "runs": {"strategy": "a"}})"),
            "in.json: runs: expected an array, got an object");
  auto latency = crawl_run_text();
  latency.replace(latency.find(R"("p50": 100.2)"), 12, R"("p50": true)");
  EXPECT_EQ(error_for("{" + header_of("crawl", "result") + R"(, "runs": [)" + latency + "]}"),
            "in.json: runs[0].latency_ms.p50: expected a number, got a boolean");
}

TEST(report_inputs, an_unknown_command_or_kind_is_an_error) {
  EXPECT_EQ(error_for(R"({"format": 1, "command": "crawler", "kind": "result", "argv": "x"})"),
            "in.json: command: unknown command \"crawler\" (expected crawl, workload or sweep)");
  EXPECT_EQ(error_for(R"({"format": 1, "command": "sweep", "kind": "timeline", "argv": "x"})"),
            "in.json: kind: unknown kind \"timeline\" for command sweep (expected result)");
  EXPECT_EQ(error_for(R"({"format": 1, "kind": "result", "argv": "x"})"),
            "in.json: command: missing (a string is required)");
}

TEST(report_inputs, a_body_that_does_not_match_its_header_is_an_error) {
  // A sweep file relabelled as a crawl result: it has points, not runs.
  EXPECT_EQ(error_for("{" + header_of("crawl", "result") + R"(, "n": 5, "points": []})"),
            "in.json: runs: missing (an array is required)");
}

TEST(report_inputs, not_json_says_where_it_broke) {
  EXPECT_EQ(error_for("{\"command\": \"crawl\",\n  \"kind\": }", "bad.json").rfind("bad.json: not valid JSON (", 0),
            0U);
  EXPECT_NE(error_for("{\"command\": \"crawl\",\n  \"kind\": }").find("line 2, column 11"), std::string::npos)
      << error_for("{\"command\": \"crawl\",\n  \"kind\": }");
  EXPECT_EQ(error_for("[1, 2]"), "in.json: expected a JSON object with \"command\" and \"kind\", got an array");
  EXPECT_NE(error_for(""), "");
}

TEST(report_inputs, a_chrome_trace_is_recognised_and_refused) {
  EXPECT_NE(error_for(R"({"traceEvents": []})").find("Chrome trace"), std::string::npos);
}

TEST(report_inputs, spans_that_end_before_they_start_are_errors) {
  EXPECT_EQ(error_for("{" + header_of("crawl", "timeline") +
                      R"(, "runs": [{"label": "a", "n": 1, "concurrency": 1, "spans": [{"index": 0,
                         "category": "request", "start": 0.5, "end": 0.2}]}]})")
                .rfind("in.json: runs[0].spans[0].end: ends before it starts", 0),
            0U);
  EXPECT_EQ(error_for("{" + header_of("workload", "timeline") +
                      R"(, "runs": [{"label": "a", "n": 1, "concurrency": 1, "spans": [{"index": 0,
                         "category": "disk", "start": 0, "end": 1}]}]})"),
            "in.json: runs[0].spans[0].category: unknown category \"disk\" (expected request, cpu or io)");
}

TEST(report_inputs, calibration_keys_must_be_difficulties) {
  const auto ok = parse_input("{" + header_of("workload", "result") + R"(, "runs": [],
      "calibration": {"8": 0.0156, "12": 0.2487}})",
                              "w.json");
  const auto& cal = std::get<workload_results>(ok.contents.body).calibration;
  EXPECT_DOUBLE_EQ(cal.at(12), 0.2487);
  EXPECT_EQ(error_for("{" + header_of("workload", "result") + R"(, "runs": [], "calibration": {"eight": 1}})"),
            "in.json: calibration.eight: the key must be a difficulty (a whole number)");
}

TEST(report_inputs, a_missing_file_is_named) {
  try {
    read_input("no/such/file.json");
    FAIL() << "no error";
  } catch (const overlap::report_input_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("no/such/file.json: cannot open", 0), 0U) << e.what();
  }
}
