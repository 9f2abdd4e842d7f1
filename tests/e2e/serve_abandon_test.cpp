// Clients that send a long request and leave at once: the server must give back their
// sockets and capacity slots now, not when the delays run out, and go on answering.
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr int abandoned_requests = 3000;
constexpr std::string_view long_request = "GET /add?name=a&delay=45000 HTTP/1.1\r\nHost: x\r\n\r\n";

/// The value of a sample line "NAME VALUE" in the /metrics text, or -1.
double metric(running_server& s, const std::string& name) {
  const auto text = s.server().prometheus_text();
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

/// Waits (bounded) until `name` reads `value`; false if it never does.
bool metric_reaches(running_server& s, const std::string& name, double value, std::chrono::seconds within) {
  const auto until = steady::now() + within;
  while (steady::now() < until) {
    if (metric(s, name) == value) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

/// Sends the long request and resets the connection, `count` times; every 500 a normal
/// request is made, and the slowest one's time is returned (logged, not asserted).
double abandon_loop(running_server& s, int count) {
  double slowest_ms = 0;
  for (int i = 0; i < count; ++i) {
    send_and_disconnect(s.port(), long_request, true);
    if (i % 500 == 499) {
      const auto before = steady::now();
      EXPECT_EQ(http_request(s.port(), "GET", "/add?name=normal&delay=0").status, 200);
      slowest_ms = std::max(slowest_ms, std::chrono::duration<double, std::milli>(steady::now() - before).count());
    }
  }
  return slowest_ms;
}

} // namespace

TEST(serve_abandon, requests_whose_client_left_give_their_sockets_back_at_once) {
  running_server s;
  const auto started = steady::now();
  const double slowest_ms = abandon_loop(s, abandoned_requests);
  // Each waits 45 s unless cancelled: only cancelling lets every connection close now.
  EXPECT_TRUE(metric_reaches(s, "overlap_connections_open", 0, 10s)) << s.server().prometheus_text();
  EXPECT_TRUE(metric_reaches(s, "overlap_requests_in_flight", 0, 10s));
  const auto before = steady::now();
  EXPECT_EQ(http_request(s.port(), "GET", "/add?name=after&delay=0").status, 200);
  const double after_ms = std::chrono::duration<double, std::milli>(steady::now() - before).count();
  // A reset that arrives before the request is read ends it as a read error instead.
  const double abandoned = metric(s, "overlap_requests_abandoned_total");
  EXPECT_GT(abandoned, 0);
  EXPECT_EQ(s.server().records().count("a"), 0U); // never answered, never recorded
  std::printf("%d abandoned in %.0f ms (%.0f counted as abandoned); slowest normal request during the loop "
              "%.2f ms, after it %.2f ms\n",
              abandoned_requests, std::chrono::duration<double, std::milli>(steady::now() - started).count(), abandoned,
              slowest_ms, after_ms);
}

TEST(serve_abandon, with_capacity_two_the_waiting_queue_empties_and_others_are_served) {
  auto options = running_server::defaults();
  options.capacity = 2;
  running_server s(options);
  const double slowest_ms = abandon_loop(s, abandoned_requests);
  EXPECT_TRUE(metric_reaches(s, "overlap_capacity_waiting", 0, 10s)) << s.server().prometheus_text();
  EXPECT_TRUE(metric_reaches(s, "overlap_connections_open", 0, 10s));
  const auto before = steady::now();
  EXPECT_EQ(http_request(s.port(), "GET", "/add?name=after&delay=0").status, 200);
  std::printf("capacity 2: slowest normal request during the loop %.2f ms, after it %.2f ms\n", slowest_ms,
              std::chrono::duration<double, std::milli>(steady::now() - before).count());
}

TEST(serve_abandon, a_post_whose_client_left_is_cancelled_and_counted) {
  auto options = running_server::defaults();
  options.post_delay = 30s;
  running_server s(options);
  for (int i = 0; i < 20; ++i) {
    send_and_disconnect(s.port(), "POST /add?name=p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", i % 2 == 0);
  }
  EXPECT_TRUE(metric_reaches(s, "overlap_connections_open", 0, 10s)) << s.server().prometheus_text();
  EXPECT_EQ(s.server().records().count("p"), 0U);
}
