#include "overlap/hdr_histogram.hpp"
#include "overlap/result_file_error.hpp"
#include "overlap/result_files.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <vector>

namespace overlap {
namespace {

using namespace std::chrono_literals;

// Values spread evenly on a log scale from 1 us to 1 hour, so every bucket width is hit.
std::vector<std::uint64_t> log_spread_values(std::size_t count, unsigned seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> exponent(0, std::log(3.6e9));
  std::vector<std::uint64_t> values(count);
  for (auto& v : values) {
    v = static_cast<std::uint64_t>(std::exp(exponent(random)));
  }
  return values;
}

// The nearest-rank percentile of the exact values.
std::uint64_t exact_percentile(std::vector<std::uint64_t> values, double percentile) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(percentile / 100 * static_cast<double>(values.size()) - 1e-9));
  return values[std::max<std::size_t>(rank, 1) - 1];
}

TEST(hdr_histogram, is_exact_below_2048_microseconds) {
  hdr_histogram h;
  for (const auto us : {5u, 7u, 100u, 2047u}) {
    h.record_us(us);
  }
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.value_at_percentile(25), 5u);
  EXPECT_EQ(h.value_at_percentile(50), 7u);
  EXPECT_EQ(h.value_at_percentile(75), 100u);
  EXPECT_EQ(h.value_at_percentile(100), 2047u);
  EXPECT_EQ(h.min_us(), 5u);
  EXPECT_EQ(hdr_histogram{}.value_at_percentile(50), 0u);
}

TEST(hdr_histogram, keeps_every_percentile_within_one_part_in_1024) {
  const auto values = log_spread_values(100'000, 7);
  hdr_histogram h;
  for (const auto v : values) {
    h.record_us(v);
  }
  ASSERT_EQ(h.count(), values.size());
  for (const double p : {0.1, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const auto exact = exact_percentile(values, p);
    const auto approx = h.value_at_percentile(p);
    EXPECT_GE(approx, exact) << "p" << p;
    EXPECT_LE(approx - exact, exact / 1024) << "p" << p << ": " << approx << " vs " << exact;
  }
  EXPECT_EQ(h.max_us(), *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(h.min_us(), *std::min_element(values.begin(), values.end()));
}

TEST(hdr_histogram, counts_every_value_exactly_in_its_bucket) {
  hdr_histogram h;
  h.record_us(1'000'000, 3); // 1 s: in a bucket 512 us wide
  h.record_us(1'000'100);    // the same bucket
  h.record_us(10);
  const auto buckets = h.nonzero_buckets();
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0], (hdr_histogram::bucket{10, 1}));
  EXPECT_EQ(buckets[1].value_us, hdr_histogram::lowest_equivalent_us(1'000'000));
  EXPECT_EQ(buckets[1].count, 4u);
  EXPECT_LE(hdr_histogram::highest_equivalent_us(1'000'000) - hdr_histogram::lowest_equivalent_us(1'000'000) + 1,
            1'000'000u / 1024);
}

TEST(hdr_histogram, merging_two_equals_one_over_the_union) {
  const auto a = log_spread_values(20'000, 1);
  const auto b = log_spread_values(30'000, 2);
  hdr_histogram ha, hb, all;
  for (const auto v : a) {
    ha.record_us(v);
    all.record_us(v);
  }
  for (const auto v : b) {
    hb.record_us(v);
    all.record_us(v);
  }
  ha.merge(hb);
  EXPECT_EQ(ha, all);
  EXPECT_EQ(ha.count(), 50'000u);
  EXPECT_EQ(ha.value_at_percentile(99.9), all.value_at_percentile(99.9));
  EXPECT_DOUBLE_EQ(ha.mean_us(), all.mean_us());
}

TEST(hdr_histogram, clamps_and_counts_values_past_the_range) {
  hdr_histogram h;
  h.record(2h);
  h.record(-5ms);
  h.record(1500ns);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.clamped(), 1u);
  EXPECT_EQ(h.max_us(), hdr_histogram::highest_trackable_us);
  EXPECT_EQ(h.min_us(), 0u);
  EXPECT_EQ(h.value_at_percentile(66), 1u); // 1.5 us truncated to whole microseconds
}

TEST(hdr_histogram, walks_the_percentile_spectrum_in_halving_steps) {
  hdr_histogram h;
  for (std::uint64_t us = 1; us <= 100; ++us) {
    h.record_us(us);
  }
  const auto lines = h.percentile_spectrum(5);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines.front().percentile, 0);
  EXPECT_EQ(lines.front().value_us, 1);
  EXPECT_EQ(lines.back().percentile, 1.0);
  EXPECT_EQ(lines.back().total, 100u);
  EXPECT_EQ(lines.back().value_us, 100);
  // 10% steps up to 50%, 5% to 75%, then 2.5%: each at the value that first reaches it.
  auto at = [&](double percentile) {
    for (const auto& line : lines) {
      if (std::abs(line.percentile - percentile) < 1e-9) {
        return line;
      }
    }
    ADD_FAILURE() << "no line at " << percentile;
    return hdr_histogram::spectrum_line{};
  };
  EXPECT_EQ(at(0.1).value_us, 10);
  EXPECT_EQ(at(0.5).value_us, 50);
  EXPECT_EQ(at(0.55).value_us, 55);
  EXPECT_EQ(at(0.775).value_us, 78);
  EXPECT_EQ(at(0.775).total, 78u);
  EXPECT_EQ(lines[1].percentile, 0.1);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_GE(lines[i].percentile, lines[i - 1].percentile);
    EXPECT_GE(lines[i].value_us, lines[i - 1].value_us);
  }
}

TEST(hdr_histogram, prints_the_spectrum_as_wrk2_does) {
  hdr_histogram h;
  for (std::uint64_t us = 1000; us <= 2000; ++us) {
    h.record_us(us);
  }
  std::ostringstream out;
  write_percentile_spectrum(out, h);
  const auto text = out.str();
  EXPECT_EQ(text.rfind("       Value   Percentile   TotalCount 1/(1-Percentile)\n\n", 0), 0u) << text;
  EXPECT_NE(text.find("       1.000     0.000000            1         1.00\n"), std::string::npos) << text;
  EXPECT_NE(text.find("       2.000     1.000000         1001          inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#[Max     =        2.000, Total count    =         1001]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#[Buckets =           22, SubBuckets     =         2048]\n"), std::string::npos) << text;
}

TEST(hdr_histogram, survives_a_round_trip_through_json) {
  hdr_histogram h;
  for (const auto v : log_spread_values(5'000, 3)) {
    h.record_us(v);
  }
  h.record(3h);
  const auto json = boost::json::value_from(h);
  const auto back = boost::json::value_to<hdr_histogram>(json);
  EXPECT_EQ(back, h);
  EXPECT_EQ(back.clamped(), 1u);
}

TEST(hdr_histogram, refuses_a_file_whose_count_disagrees_with_its_buckets) {
  const auto json = boost::json::parse(R"({"unit": "us", "significant_digits": 3, "count": 5, "min": 1,
                                           "max": 2, "clamped": 0, "buckets": [[1, 1], [2, 1]]})");
  EXPECT_THROW((void)boost::json::value_to<hdr_histogram>(json), result_file_error);
  const auto unit = boost::json::parse(R"({"unit": "ms", "significant_digits": 3, "count": 0, "min": 0,
                                           "max": 0, "clamped": 0, "buckets": []})");
  EXPECT_THROW((void)boost::json::value_to<hdr_histogram>(unit), result_file_error);
}

} // namespace
} // namespace overlap
