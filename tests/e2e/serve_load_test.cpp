// Concurrency, capacity, threads and graceful stop of `overlap serve`.
#include "support/http_client.hpp"
#include "support/overlap_count.hpp"

#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <thread>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

std::vector<std::string> targets(const std::string& name, int count, int delay_ms) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    out.push_back("/add?name=" + name + "&delay=" + std::to_string(delay_ms) + "&i=" + std::to_string(i));
  }
  return out;
}

void wait_until_in_flight(delay_server& server, const std::string& expected_line) {
  const auto give_up = steady::now() + 10s;
  while (server.prometheus_text().find(expected_line) == std::string::npos) {
    ASSERT_LT(steady::now(), give_up) << "never saw " << expected_line;
    std::this_thread::sleep_for(2ms);
  }
}

} // namespace

TEST(serve_load, a_thousand_concurrent_delayed_requests_are_all_answered) {
  running_server s;
  const auto before = steady::now();
  const auto replies = concurrent_gets(s.port(), targets("many", 1000, 300), 1000);
  const double took = std::chrono::duration<double>(steady::now() - before).count();
  EXPECT_TRUE(
      std::all_of(replies.begin(), replies.end(), [](const auto& r) { return r.status == 200 && r.body == "."; }));
  const auto records = s.server().records().at("many");
  EXPECT_EQ(records.size(), 1000U);
  const auto overlap = most_overlapping(records);
  EXPECT_GT(overlap, 100U) << "the requests did not overlap";
  std::printf("1000 requests of 300 ms at 1000 in flight: %.3f s, at most %zu overlapping\n", took, overlap);
}

TEST(serve_load, capacity_one_serialises_requests) {
  auto options = running_server::defaults();
  options.capacity = 1;
  running_server s(options);
  concurrent_gets(s.port(), targets("one", 6, 30), 6);
  auto records = s.server().records().at("one");
  ASSERT_EQ(records.size(), 6U);
  for (std::size_t i = 1; i < records.size(); ++i) {
    EXPECT_GE(records[i].start, records[i - 1].end) << "request " << i << " overlapped the one before";
  }
  EXPECT_EQ(most_overlapping(records), 1U);
}

TEST(serve_load, capacity_k_caps_requests_in_service) {
  auto options = running_server::defaults();
  options.capacity = 3;
  running_server s(options);
  concurrent_gets(s.port(), targets("three", 15, 30), 15);
  const auto records = s.server().records().at("three");
  ASSERT_EQ(records.size(), 15U);
  EXPECT_EQ(most_overlapping(records), 3U);
}

TEST(serve_load, requests_waiting_for_capacity_show_in_metrics) {
  auto options = running_server::defaults();
  options.capacity = 1;
  running_server s(options);
  auto load = std::async(std::launch::async, [&] { return concurrent_gets(s.port(), targets("wait", 3, 300), 3); });
  wait_until_in_flight(s.server(), "overlap_capacity_waiting 2\n");
  load.get();
  EXPECT_NE(s.server().prometheus_text().find("overlap_capacity_waiting 0\n"), std::string::npos);
}

TEST(serve_load, several_threads_keep_the_records_complete) {
  auto options = running_server::defaults();
  options.threads = 2;
  running_server s(options);
  concurrent_gets(s.port(), targets("threads", 600, 5), 200);
  EXPECT_EQ(s.server().records().at("threads").size(), 600U);
  EXPECT_NE(s.server().prometheus_text().find("overlap_requests_total{route=\"add\",status=\"200\"} 600\n"),
            std::string::npos);
}

TEST(serve_load, graceful_stop_answers_requests_in_flight) {
  auto options = running_server::defaults();
  running_server s(options);
  http_connection idle(s.port());
  auto in_flight =
      std::async(std::launch::async, [&] { return http_request(s.port(), "GET", "/add?name=late&delay=400"); });
  wait_until_in_flight(s.server(), "overlap_requests_in_flight 1\n");
  s.server().stop();
  const auto reply = in_flight.get();
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.keep_alive) << "a stopping server closes after answering";
  EXPECT_TRUE(idle.wait_for_close(5s)) << "idle connections are closed on stop";
  s.server().join();
  EXPECT_EQ(s.server().records().at("late").size(), 1U);
  EXPECT_THROW(http_request(s.port(), "GET", "/add?name=x&delay=0"), boost::system::system_error);
}

TEST(serve_load, after_the_drain_timeout_requests_in_flight_are_dropped_and_the_loop_ends) {
  auto options = running_server::defaults();
  options.drain_timeout = 100ms;
  running_server s(options);
  auto in_flight = std::async(std::launch::async, [&] {
    try {
      http_request(s.port(), "GET", "/add?name=long&delay=60000");
      return false;
    } catch (const boost::system::system_error&) {
      return true; // closed without an answer
    }
  });
  wait_until_in_flight(s.server(), "overlap_requests_in_flight 1\n");
  const auto before = steady::now();
  s.server().stop();
  s.server().join();
  EXPECT_TRUE(in_flight.get()) << "the dropped request was answered";
  std::printf("stop with a 60 s request in flight and a 100 ms drain timeout: joined after %.0f ms\n",
              std::chrono::duration<double, std::milli>(steady::now() - before).count());
  EXPECT_FALSE(s.server().records().contains("long"));
}
