#include "report/shaping.hpp"

#include "report/page_html.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace overlap::report;

TEST(report_shaping, the_limit_is_whole_rounds_of_one_delay) {
  EXPECT_DOUBLE_EQ(limit_seconds(1000, 100, 100), 1.0);
  EXPECT_DOUBLE_EQ(limit_seconds(1001, 100, 100), 1.1);
  EXPECT_DOUBLE_EQ(limit_seconds(500, 476, 50), 0.1);
  EXPECT_DOUBLE_EQ(limit_seconds(0, 10, 50), 0.0);
}

TEST(report_shaping, derived_crawl_fields_fill_gaps_but_keep_measured_values) {
  crawl_run bare{.strategy = "x", .n = 1000, .concurrency = 100, .delay_ms = 100, .seconds = 1.25};
  const auto derived = with_derived_fields(bare);
  EXPECT_DOUBLE_EQ(*derived.limit_seconds, 1.0);
  EXPECT_DOUBLE_EQ(*derived.efficiency, 0.8);
  EXPECT_DOUBLE_EQ(*derived.requests_per_second, 800.0);
  crawl_run measured = bare;
  measured.efficiency = 0.5;
  EXPECT_DOUBLE_EQ(*with_derived_fields(measured).efficiency, 0.5);
}

TEST(report_shaping, requests_become_columns_sorted_by_start) {
  const std::vector<request_span> spans{
      {.index = 0, .start = 0.3, .end = 0.4, .status = 200},
      {.index = 1, .start = 0.1, .end = 0.9, .status = 503},
      {.index = 2, .start = 0.1, .end = 0.2, .status = std::nullopt},
      {.index = 3, .start = 0.0, .end = 0.5, .status = 204},
  };
  const auto c = shape_requests(spans);
  EXPECT_EQ(c.index, (std::vector<std::int64_t>{3, 1, 2, 0}));
  EXPECT_EQ(c.start, (std::vector<double>{0.0, 0.1, 0.1, 0.3}));
  EXPECT_EQ(c.end, (std::vector<double>{0.5, 0.9, 0.2, 0.4}));
  EXPECT_EQ(c.failed, (std::vector<std::uint8_t>{0, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(c.max_end, 0.9);
}

TEST(report_shaping, tasks_without_io_get_nan_io_columns) {
  const std::vector<task_span> tasks{
      {.index = 1, .cpu_start = 0.02, .cpu_end = 0.03, .io_start = 0.03, .io_end = 0.13},
      {.index = 0, .cpu_start = 0.0, .cpu_end = 0.01},
  };
  const auto c = shape_tasks(tasks);
  EXPECT_EQ(c.index, (std::vector<std::int64_t>{0, 1}));
  EXPECT_TRUE(std::isnan(c.io_start[0]));
  EXPECT_DOUBLE_EQ(c.io_end[1], 0.13);
  EXPECT_DOUBLE_EQ(c.max_end, 0.13);
}

TEST(report_shaping, a_sweep_becomes_one_series_per_delay_with_its_ideal) {
  sweep_result sweep{.strategy = "coroutine", .n = 500, .points = {}};
  sweep.points = {{.delay_ms = 300, .concurrency = 25, .seconds = 6.1},
                  {.delay_ms = 50, .concurrency = 100, .seconds = 0.27},
                  {.delay_ms = 50, .concurrency = 1, .seconds = 25.3, .limit_seconds = 25.0},
                  {.delay_ms = 50, .concurrency = 25, .seconds = 1.02}};
  const auto series = shape_sweep(sweep);
  ASSERT_EQ(series.size(), 2U);
  EXPECT_DOUBLE_EQ(series[0].delay_ms, 50);
  EXPECT_EQ(series[0].concurrency, (std::vector<std::int64_t>{1, 25, 100}));
  EXPECT_EQ(series[0].seconds, (std::vector<double>{25.3, 1.02, 0.27}));
  EXPECT_EQ(series[0].ideal_seconds, (std::vector<double>{25.0, 1.0, 0.25}));
  EXPECT_EQ(series[1].ideal_seconds, (std::vector<double>{6.0}));
}

TEST(report_shaping, the_best_concurrency_is_the_fastest_and_the_smallest_on_a_tie) {
  const std::vector<sweep_series> series{
      {.delay_ms = 50, .concurrency = {1, 100, 200, 300}, .seconds = {25.0, 0.3, 0.3, 0.5}, .ideal_seconds = {}}};
  const auto best = best_per_delay(series);
  ASSERT_EQ(best.size(), 1U);
  EXPECT_EQ(best[0].concurrency, 100);
  EXPECT_DOUBLE_EQ(best[0].seconds, 0.3);
}

TEST(report_shaping, workload_ratios_use_calibration_and_fall_back_to_noio) {
  workload_result w;
  w.runs = {{.mode = "noio", .n = 600, .difficulty = 8, .seconds = 9.0},
            {.mode = "serial", .n = 600, .difficulty = 8, .seconds = 72.0},
            {.mode = "async", .n = 600, .difficulty = 8, .seconds = 9.9, .ratio_to_noio = 1.004},
            {.mode = "noio", .n = 400, .difficulty = 10, .seconds = 24.0},
            {.mode = "serial", .n = 200, .difficulty = 10, .seconds = 24.0},
            {.mode = "serial", .n = 10, .difficulty = 14, .seconds = 5.0}}; // no baseline: left out
  w.calibration = {{8, 0.0156}};
  const auto series = shape_workload_ratios(w);
  ASSERT_EQ(series.size(), 2U);
  EXPECT_EQ(series[0].mode, "serial");
  EXPECT_EQ(series[0].difficulty, (std::vector<std::int64_t>{8, 10}));
  EXPECT_EQ(series[0].time_per_iteration, (std::vector<double>{0.0156, 0.06}));
  EXPECT_DOUBLE_EQ(series[0].ratio[0], 8.0);
  EXPECT_DOUBLE_EQ(series[0].ratio[1], 2.0); // 0.12 s per task against 0.06
  EXPECT_EQ(series[1].mode, "async");
  EXPECT_EQ(series[1].ratio, (std::vector<double>{1.004}));
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
