#include "report/shaping.hpp"

#include "report/page_html.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace overlap;
using namespace overlap::report;
using namespace std::chrono_literals;

TEST(report_shaping, requests_become_columns_sorted_by_start) {
  const std::vector<span> spans{
      {.index = 0, .start = 0.3, .end = 0.4, .status = 200},
      {.index = 1, .start = 0.1, .end = 0.9, .status = 503},
      {.index = 2, .start = 0.1, .end = 0.2, .status = 200},
      {.index = 3, .start = 0.0, .end = 0.5, .status = 0}, // no answer
  };
  const auto c = shape_requests(spans);
  EXPECT_EQ(c.index, (std::vector<std::int64_t>{3, 1, 2, 0}));
  EXPECT_EQ(c.start, (std::vector<double>{0.0, 0.1, 0.1, 0.3}));
  EXPECT_EQ(c.end, (std::vector<double>{0.5, 0.9, 0.2, 0.4}));
  EXPECT_EQ(c.failed, (std::vector<std::uint8_t>{1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(c.max_end, 0.9);
}

TEST(report_shaping, tasks_join_their_cpu_and_io_spans_and_without_io_get_nan) {
  const std::vector<span> spans{
      {.index = 1, .start = 0.02, .end = 0.03, .category = span_category::cpu},
      {.index = 1, .start = 0.03, .end = 0.13, .category = span_category::io},
      {.index = 0, .start = 0.0, .end = 0.01, .category = span_category::cpu},
  };
  const auto c = shape_tasks(spans);
  EXPECT_EQ(c.index, (std::vector<std::int64_t>{0, 1}));
  EXPECT_TRUE(std::isnan(c.io_start[0]));
  EXPECT_DOUBLE_EQ(c.io_start[1], 0.03);
  EXPECT_DOUBLE_EQ(c.io_end[1], 0.13);
  EXPECT_DOUBLE_EQ(c.max_end, 0.13);
}

TEST(report_shaping, a_sweep_becomes_one_series_per_delay_with_its_ideal) {
  sweep_results sweep;
  sweep.n = 500;
  sweep.points = {
      {300ms, 25, 6.1, 6.0, 0}, {50ms, 100, 0.27, 0.25, 0}, {50ms, 1, 25.3, 25.0, 0}, {50ms, 25, 1.02, 1.0, 0}};
  const auto series = shape_sweep(sweep);
  ASSERT_EQ(series.size(), 2U);
  EXPECT_DOUBLE_EQ(series[0].delay_ms, 50);
  EXPECT_EQ(series[0].concurrency, (std::vector<std::int64_t>{1, 25, 100}));
  EXPECT_EQ(series[0].seconds, (std::vector<double>{25.3, 1.02, 0.27}));
  EXPECT_EQ(series[0].ideal_seconds, (std::vector<double>{25.0, 1.0, 0.25}));
  EXPECT_EQ(series[1].ideal_seconds, (std::vector<double>{6.0}));
}

namespace {

workload_result workload_run(workload_mode mode, std::size_t n, int difficulty, double seconds) {
  workload_result r;
  r.mode = mode;
  r.n = n;
  r.difficulty = difficulty;
  r.seconds = seconds;
  return r;
}

} // namespace

TEST(report_shaping, workload_runs_of_several_costs_and_files_make_one_series_per_mode_by_time_per_iteration) {
  // One file per cost (given out of order) and one file with two costs. Each run is
  // compared with its own file's noio; n = 64 keeps every expected value exact.
  workload_results cost_11, costs_8_10, cost_12;
  cost_11.runs = {workload_run(workload_mode::serial, 64, 11, 25.0), workload_run(workload_mode::noio, 64, 11, 12.5),
                  workload_run(workload_mode::async, 64, 11, 12.75)};
  costs_8_10.runs = {
      workload_run(workload_mode::noio, 64, 8, 2.0),     workload_run(workload_mode::serial, 64, 8, 12.0),
      workload_run(workload_mode::async, 64, 8, 2.5),    workload_run(workload_mode::noio, 64, 10, 6.0),
      workload_run(workload_mode::serial, 64, 10, 16.0), workload_run(workload_mode::async, 64, 10, 6.5)};
  costs_8_10.calibration = {{10, 0.0625}};                           // beats the noio run's 6 / 64
  cost_12.runs = {workload_run(workload_mode::async, 64, 12, 30.0)}; // no noio: left out

  const auto figures = shape_workload_figures({cost_11, costs_8_10, cost_12});
  EXPECT_TRUE(figures.same_n);
  EXPECT_EQ(figures.left_out, 1U);
  ASSERT_EQ(figures.series.size(), 3U);
  const auto& noio = figures.series[0];
  const auto& serial = figures.series[1];
  const auto& async = figures.series[2];
  EXPECT_EQ(noio.mode, "noio");
  EXPECT_EQ(noio.difficulty, (std::vector<std::int64_t>{8, 10, 11}));
  EXPECT_EQ(noio.time_per_iteration, (std::vector<double>{0.03125, 0.0625, 0.1953125}));
  EXPECT_EQ(noio.seconds, (std::vector<double>{2.0, 6.0, 12.5}));
  EXPECT_EQ(noio.ratio, (std::vector<double>{1.0, 1.0, 1.0}));
  EXPECT_EQ(serial.mode, "serial");
  EXPECT_EQ(serial.difficulty, (std::vector<std::int64_t>{8, 10, 11}));
  EXPECT_EQ(serial.time_per_iteration, (std::vector<double>{0.03125, 0.0625, 0.1953125}));
  EXPECT_EQ(serial.seconds, (std::vector<double>{12.0, 16.0, 25.0}));
  EXPECT_EQ(serial.seconds_per_task, (std::vector<double>{0.1875, 0.25, 0.390625}));
  EXPECT_EQ(serial.ratio, (std::vector<double>{6.0, 16.0 / 6.0, 2.0}));
  EXPECT_EQ(async.mode, "async");
  EXPECT_EQ(async.difficulty, (std::vector<std::int64_t>{8, 10, 11}));
  EXPECT_EQ(async.seconds, (std::vector<double>{2.5, 6.5, 12.75}));
  EXPECT_EQ(async.ratio, (std::vector<double>{1.25, 6.5 / 6.0, 12.75 / 12.5}));
}

TEST(report_shaping, workload_runs_of_one_cost_make_one_point_per_mode) {
  workload_results one;
  one.runs = {workload_run(workload_mode::noio, 600, 8, 9.0), workload_run(workload_mode::batch, 600, 8, 9.9)};
  const auto figures = shape_workload_figures({one});
  ASSERT_EQ(figures.series.size(), 2U);
  EXPECT_EQ(figures.series[1].mode, "batch");
  EXPECT_EQ(figures.series[1].time_per_iteration, (std::vector<double>{0.015}));
  EXPECT_EQ(figures.series[1].ratio, (std::vector<double>{1.1}));
  EXPECT_EQ(figures.left_out, 0U);
}

TEST(report_shaping, workload_runs_of_different_sizes_are_flagged_so_totals_are_not_compared) {
  workload_results small, large;
  small.runs = {workload_run(workload_mode::noio, 10, 8, 0.2)};
  large.runs = {workload_run(workload_mode::noio, 600, 10, 36.0)};
  const auto figures = shape_workload_figures({small, large});
  EXPECT_FALSE(figures.same_n);
  ASSERT_EQ(figures.series.size(), 1U);
  EXPECT_EQ(figures.series[0].seconds_per_task, (std::vector<double>{0.02, 0.06}));
}

TEST(report_page, json_in_a_script_element_cannot_close_it) {
  EXPECT_EQ(script_safe_json(R"({"argv": "</script><script>alert(1)</script> <!--"})"),
            R"({"argv": "\u003c/script>\u003cscript>alert(1)\u003c/script> \u003c!--"})");
}

TEST(report_page, the_page_inlines_everything_and_loads_nothing) {
  const auto html = page_html(R"({"inputs": []})", "a <b> & \"c\"");
  EXPECT_NE(html.find("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"), std::string::npos);
  EXPECT_NE(html.find(R"(<script type="application/json" id="overlap-data">{"inputs": []}</script>)"),
            std::string::npos);
  EXPECT_NE(html.find("uPlot"), std::string::npos);
  EXPECT_EQ(html.find("@@"), std::string::npos) << "a template marker was left unfilled";
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}
