#include "overlap/sweep.hpp"

#include <gtest/gtest.h>

using namespace overlap;
using namespace std::chrono_literals;

TEST(sweep, a_range_spec_follows_pythons_range) {
  EXPECT_EQ(parse_concurrency_spec("1:500:25").size(), 20U);
  EXPECT_EQ(parse_concurrency_spec("1:500:25").back(), 476U);
  EXPECT_EQ(parse_concurrency_spec("1:4:1"), (std::vector<std::size_t>{1, 2, 3}));
}

TEST(sweep, a_list_spec_is_taken_as_written) {
  EXPECT_EQ(parse_concurrency_spec("1,10,100"), (std::vector<std::size_t>{1, 10, 100}));
}

TEST(sweep, bad_specs_are_refused_with_a_reason) {
  for (const char* spec : {"", "0", "5:1:1", "1:10:0", "a,b", "1:2", "20000", "1:2:3:4"}) {
    EXPECT_THROW(parse_concurrency_spec(spec), std::invalid_argument) << spec;
  }
  EXPECT_THROW(parse_delay_list("50,x"), std::invalid_argument);
  EXPECT_THROW(parse_delay_list("3600001"), std::invalid_argument);
  EXPECT_EQ(parse_delay_list("50,300"), (std::vector<std::chrono::milliseconds>{50ms, 300ms}));
}

TEST(sweep, the_ideal_total_is_the_sum_of_the_limits) {
  sweep_options o;
  o.delays = {100ms};
  o.concurrencies = {1, 10};
  o.n = 10;
  EXPECT_DOUBLE_EQ(ideal_total_seconds(o), 1.1);
}

TEST(sweep, the_best_point_per_delay_is_the_fastest_and_ties_take_the_smaller_concurrency) {
  const std::vector<sweep_point> points{
      {50ms, 10, 0.5, 0.5, 0}, {50ms, 100, 0.06, 0.05, 0}, {50ms, 200, 0.06, 0.05, 0}, {300ms, 100, 0.4, 0.3, 0}};
  const auto best = best_per_delay(points);
  ASSERT_EQ(best.size(), 2U);
  EXPECT_EQ(best[0].delay, 50ms);
  EXPECT_EQ(best[0].concurrency, 100U);
  EXPECT_EQ(best[1].concurrency, 100U);
}

TEST(sweep, the_table_has_a_row_per_concurrency_and_a_column_per_delay) {
  const std::vector<sweep_point> points{{50ms, 1, 0.5, 0.5, 0}, {80ms, 1, 0.8, 0.8, 0}, {50ms, 10, 0.06, 0.05, 0}};
  EXPECT_EQ(format_sweep_table(points), "concurrency |     50 ms: s (ideal) |     80 ms: s (ideal)\n"
                                        "          1 |     0.500 (   0.500) |     0.800 (   0.800)\n"
                                        "         10 |     0.060 (   0.050) |                     -\n");
}

TEST(sweep, concurrencies_above_n_are_skipped) {
  sweep_options o;
  o.n = 40;
  o.delays = {10ms, 30ms};
  o.concurrencies = {1, 8, 40, 41, 100};
  EXPECT_EQ(swept_concurrencies(o), (std::vector<std::size_t>{1, 8, 40}));
  EXPECT_EQ(skipped_concurrencies(o), (std::vector<std::size_t>{41, 100}));
  EXPECT_EQ(planned_points(o), 6U);
  EXPECT_DOUBLE_EQ(ideal_total_seconds(o), (40 + 5 + 1) * 0.01 + (40 + 5 + 1) * 0.03);
}
