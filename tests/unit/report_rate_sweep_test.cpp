#include "report/page_data.hpp"

#include <boost/json/value.hpp>
#include <gtest/gtest.h>

using namespace overlap;
using namespace overlap::report;
using namespace std::chrono_literals;

namespace {

input rate_sweep_input(std::optional<double> capacity) {
  sweep_results sweep;
  sweep.by_rate = true;
  sweep.capacity_rps = capacity;
  for (double rate : {400.0, 100.0}) { // in the order run, not sorted
    rate_point p;
    p.rate = rate;
    p.achieved_rate = rate * 0.99;
    p.delay = 20ms;
    p.concurrency = 4;
    p.n = static_cast<std::size_t>(rate);
    p.corrected.p50_ms = rate > 200 ? 175.2 : 20.3;
    p.corrected.p99_ms = rate > 200 ? 336.6 : 21.0;
    p.uncorrected.p99_ms = 20.9;
    p.queued = rate > 200 ? 146 : 0;
    sweep.rate_points.push_back(p);
  }
  input in;
  in.file = "rates.json";
  in.contents.header.command = "sweep";
  in.contents.body = sweep;
  return in;
}

} // namespace

TEST(report_rate_sweep, a_rate_sweep_carries_its_points_as_the_file_has_them_and_its_capacity) {
  const auto data = page_data({rate_sweep_input(200.0)});
  const auto& sweep = data.at("sweeps").at(0);
  EXPECT_TRUE(sweep.at("by_rate").as_bool());
  EXPECT_EQ(sweep.at("capacity_rps").to_number<double>(), 200.0);
  const auto& points = sweep.at("rate_points").as_array();
  ASSERT_EQ(points.size(), 2U);
  EXPECT_EQ(points[0].at("rate").to_number<double>(), 400.0);
  EXPECT_EQ(points[0].at("corrected_latency_ms").at("p99").to_number<double>(), 336.6);
  EXPECT_EQ(points[0].at("corrected_latency_ms").at("p50").to_number<double>(), 175.2);
  EXPECT_EQ(points[0].at("latency_ms").at("p99").to_number<double>(), 20.9);
  EXPECT_EQ(points[0].at("queued").to_number<int>(), 146);
  EXPECT_EQ(points[1].at("rate").to_number<double>(), 100.0);
}

TEST(report_rate_sweep, an_unknown_capacity_is_null_and_a_grid_sweep_has_no_rate_points) {
  const auto unknown = page_data({rate_sweep_input(std::nullopt)});
  EXPECT_TRUE(unknown.at("sweeps").at(0).at("capacity_rps").is_null());

  input grid;
  grid.contents.header.command = "sweep";
  grid.contents.body = sweep_results{};
  const auto data = page_data({grid});
  EXPECT_FALSE(data.at("sweeps").at(0).at("by_rate").as_bool());
  EXPECT_TRUE(data.at("sweeps").at(0).at("rate_points").as_array().empty());
}
