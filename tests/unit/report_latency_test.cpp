#include "report/percentile_curve.hpp"

#include "report/latency_data.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace overlap;
using namespace overlap::report;

namespace {

/// 10 values of 100, 200 ... 1000 us: below 2,048 us every bucket is one microsecond wide,
/// so the curve's values are exact.
hdr_histogram tenths() {
  hdr_histogram h;
  for (std::uint64_t us = 100; us <= 1000; us += 100) {
    h.record_us(us);
  }
  return h;
}

/// The latency at the level whose x is `x` (1/(1 - p) is exact only to rounding).
double ms_at(const percentile_curve& c, double x) {
  const auto it = std::find_if(c.x.begin(), c.x.end(), [x](double v) { return std::abs(v - x) < 1e-9 * x; });
  EXPECT_NE(it, c.x.end()) << "no level at x = " << x;
  return it == c.x.end() ? -1 : c.ms[static_cast<std::size_t>(it - c.x.begin())];
}

} // namespace

TEST(report_percentile_curve, x_is_one_over_one_minus_the_percentile_and_starts_at_zero_percent) {
  const auto c = shape_percentile_curve(tenths());
  ASSERT_GE(c.x.size(), 10U);
  EXPECT_EQ(c.x.size(), c.ms.size());
  EXPECT_DOUBLE_EQ(c.x.front(), 1.0); // 0%
  EXPECT_DOUBLE_EQ(c.ms.front(), 0.1);
  EXPECT_DOUBLE_EQ(ms_at(c, 2.0), 0.5);  // 50%
  EXPECT_DOUBLE_EQ(ms_at(c, 10.0), 0.9); // 90%
  EXPECT_TRUE(std::is_sorted(c.x.begin(), c.x.end()));
  EXPECT_TRUE(std::is_sorted(c.ms.begin(), c.ms.end()));
  EXPECT_EQ(std::adjacent_find(c.x.begin(), c.x.end()), c.x.end()) << "x must strictly ascend on a log axis";
}

TEST(report_percentile_curve, the_maximum_ends_the_curve_at_the_count_or_just_past_the_last_level) {
  const auto few = shape_percentile_curve(tenths());
  EXPECT_DOUBLE_EQ(few.ms.back(), 1.0);
  // The last level before 100% is 91.25% (x 11.43), already right of x = 10 (the count).
  EXPECT_DOUBLE_EQ(few.x.back(), 1.01 / (1 - 0.9125));

  // One bucket holds all 100 values: the spectrum has only 0% and 100%, so the maximum
  // goes at x = 100, the percentile of the largest of 100 values (99%).
  hdr_histogram same;
  same.record_us(500, 100);
  const auto flat = shape_percentile_curve(same);
  EXPECT_EQ(flat.x, (std::vector<double>{1.0, 100.0}));
  EXPECT_EQ(flat.ms, (std::vector<double>{0.5, 0.5}));

  hdr_histogram many;
  for (std::uint64_t us = 1; us <= 1000; ++us) {
    many.record_us(us);
  }
  const auto c = shape_percentile_curve(many);
  EXPECT_DOUBLE_EQ(c.ms.back(), 1.0);
  EXPECT_GE(c.x[c.x.size() - 2], 1000.0); // the last level already holds the largest value
  EXPECT_DOUBLE_EQ(c.x.back(), c.x[c.x.size() - 2] * 1.01);
}

TEST(report_percentile_curve, no_value_is_above_the_exact_maximum) {
  hdr_histogram h; // above 2,048 us buckets are 2 us wide: 3000 shares one with 3001
  h.record_us(1000);
  h.record_us(3000);
  ASSERT_EQ(hdr_histogram::highest_equivalent_us(3000), 3001U);
  const auto c = shape_percentile_curve(h);
  EXPECT_DOUBLE_EQ(*std::max_element(c.ms.begin(), c.ms.end()), 3.0);
}

TEST(report_percentile_curve, an_empty_histogram_has_no_curve) {
  const auto c = shape_percentile_curve(hdr_histogram{});
  EXPECT_TRUE(c.x.empty());
  EXPECT_TRUE(c.ms.empty());
}

TEST(report_latency_data, a_run_without_a_histogram_has_no_curves_and_a_closed_run_no_open_model) {
  crawl_result old_file;
  EXPECT_TRUE(percentile_curves_json(old_file).is_null());
  EXPECT_TRUE(open_model_json(old_file).is_null());

  crawl_result closed;
  closed.latency_histogram = tenths();
  const auto curves = percentile_curves_json(closed);
  ASSERT_TRUE(curves.is_object());
  EXPECT_EQ(curves.at("uncorrected").at("x").as_array().size(), shape_percentile_curve(tenths()).x.size());
  EXPECT_TRUE(curves.at("corrected").is_null());
  EXPECT_TRUE(open_model_json(closed).is_null());
}

TEST(report_latency_data, a_paced_run_has_both_curves_and_its_rates) {
  crawl_result paced;
  paced.latency_histogram = tenths();
  open_model_result m;
  m.rate = 1000;
  m.achieved_rate = 998.5;
  m.late_starts = 3;
  m.queued = 7;
  for (std::uint64_t us = 100; us <= 1000; us += 100) {
    m.corrected_histogram.record_us(us * 10); // waited for a connection: 10 times longer
  }
  m.corrected = summary_of(m.corrected_histogram);
  m.lateness_histogram.record_us(50);
  m.sent_per_second = {1000, 997, 3};
  paced.open_model = m;

  const auto curves = percentile_curves_json(paced);
  const auto& corrected_ms = curves.at("corrected").at("ms").as_array();
  const auto& uncorrected_ms = curves.at("uncorrected").at("ms").as_array();
  EXPECT_DOUBLE_EQ(corrected_ms.back().to_number<double>(), 10.0);
  EXPECT_DOUBLE_EQ(uncorrected_ms.back().to_number<double>(), 1.0);

  const auto open = open_model_json(paced);
  EXPECT_EQ(open.at("rate").to_number<double>(), 1000);
  EXPECT_EQ(open.at("achieved_rate").to_number<double>(), 998.5);
  EXPECT_EQ(open.at("late_starts").to_number<int>(), 3);
  EXPECT_EQ(open.at("queued").to_number<int>(), 7);
  EXPECT_EQ(open.at("sent_per_second"), (boost::json::array{1000, 997, 3}));
  EXPECT_DOUBLE_EQ(open.at("corrected_latency_ms").at("max").to_number<double>(), 10.0);
  EXPECT_DOUBLE_EQ(open.at("lateness_ms").at("max").to_number<double>(), 0.05);

  paced.open_model->achieved_rate.reset();
  EXPECT_TRUE(open_model_json(paced).at("achieved_rate").is_null());
}
