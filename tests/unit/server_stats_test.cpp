#include "server/server_stats.hpp"

#include <gtest/gtest.h>

using namespace overlap::server;
using namespace std::chrono_literals;

TEST(server_stats, counts_requests_by_route_and_status_across_shards) {
  server_stats stats(2);
  stats.count_request(0, route::add_get, 200);
  stats.count_request(1, route::add_get, 200);
  stats.count_request(1, route::other, 404);
  stats.count_request(0, route::other, 418);
  EXPECT_EQ(stats.requests(route::add_get, 200), 2U);
  EXPECT_EQ(stats.requests(route::other, 404), 1U);
  const auto text = stats.render_prometheus({});
  EXPECT_NE(text.find("overlap_requests_total{route=\"add\",status=\"200\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("overlap_requests_total{route=\"other\",status=\"other\"} 1\n"), std::string::npos);
}

TEST(server_stats, gauges_go_up_and_down) {
  server_stats stats(1);
  stats.connection_opened(0);
  stats.connection_opened(0);
  stats.connection_closed(0);
  stats.request_started(0);
  EXPECT_EQ(stats.open_connections(), 1);
  EXPECT_EQ(stats.in_flight(), 1);
  const auto text = stats.render_prometheus({.waiting_for_capacity = 3, .capacity = 10});
  EXPECT_NE(text.find("overlap_capacity_waiting 3\n"), std::string::npos);
  EXPECT_NE(text.find("overlap_capacity_limit 10\n"), std::string::npos);
  EXPECT_NE(text.find("overlap_connections_open 1\n"), std::string::npos);
}

TEST(server_stats, overshoot_histogram_is_cumulative) {
  server_stats stats(1);
  stats.record_overshoot(0, 30us);  // <= 50us
  stats.record_overshoot(0, 700us); // <= 1ms
  stats.record_overshoot(0, 2s);    // +Inf only
  const auto text = stats.render_prometheus({});
  EXPECT_NE(text.find("overlap_timer_overshoot_seconds_bucket{le=\"5e-05\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("overlap_timer_overshoot_seconds_bucket{le=\"0.001\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("overlap_timer_overshoot_seconds_bucket{le=\"0.25\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("overlap_timer_overshoot_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("overlap_timer_overshoot_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("overlap_timer_overshoot_seconds_sum 2.00073\n"), std::string::npos);
}

TEST(server_stats, counts_tls_handshakes_by_outcome_across_shards) {
  server_stats stats(2);
  stats.tls_handshake(0, true, false);
  stats.tls_handshake(1, true, true);
  stats.tls_handshake(1, true, true);
  stats.tls_handshake(0, false, false);
  EXPECT_EQ(stats.tls_handshakes("full"), 1U);
  EXPECT_EQ(stats.tls_handshakes("resumed"), 2U);
  EXPECT_EQ(stats.tls_handshakes("failed"), 1U);
  const auto text = stats.render_prometheus({});
  EXPECT_NE(text.find("overlap_tls_handshakes_total{outcome=\"full\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("overlap_tls_handshakes_total{outcome=\"resumed\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("overlap_tls_handshakes_total{outcome=\"failed\"} 1\n"), std::string::npos) << text;
}
