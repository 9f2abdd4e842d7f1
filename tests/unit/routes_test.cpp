#include "server/routes.hpp"

#include <gtest/gtest.h>

using namespace overlap::server;
using namespace std::chrono_literals;

namespace {
route_decision decide(std::string_view method, std::string_view target) {
  static parsed_target scratch;
  return route_request(method, target, scratch);
}
} // namespace

TEST(routes, get_add_waits_the_requested_delay) {
  auto d = decide("GET", "/add?name=n&delay=250");
  EXPECT_EQ(d.what, action::delay);
  EXPECT_EQ(d.delay, 250ms);
  EXPECT_EQ(d.label, route::add_get);
}

TEST(routes, flush_needs_no_name) { EXPECT_EQ(decide("GET", "/add?flush=True").what, action::flush); }

TEST(routes, a_missing_name_is_a_400_naming_it) {
  auto d = decide("GET", "/add?delay=5");
  EXPECT_EQ(d.what, action::respond);
  EXPECT_EQ(d.status, 400);
  EXPECT_NE(d.body.find("name"), std::string_view::npos);
}

TEST(routes, an_invalid_delay_is_a_400_with_the_books_reason) {
  auto d = decide("GET", "/add?name=n&delay=soon");
  EXPECT_EQ(d.status, 400);
  EXPECT_NE(d.body.find("Invalid value for delay"), std::string_view::npos);
}

TEST(routes, post_add_is_the_database) { EXPECT_EQ(decide("POST", "/add").what, action::save); }

TEST(routes, other_methods_get_405_with_allow) {
  auto d = decide("DELETE", "/add?name=x");
  EXPECT_EQ(d.status, 405);
  EXPECT_EQ(d.extra_headers, "Allow: GET, POST\r\n");
  EXPECT_EQ(decide("POST", "/metrics").status, 405);
}

TEST(routes, unknown_paths_are_404) {
  EXPECT_EQ(decide("GET", "/nothing").status, 404);
  EXPECT_EQ(decide("GET", "/").status, 404);
}

TEST(routes, metrics_is_served) { EXPECT_EQ(decide("GET", "/metrics").what, action::metrics); }

TEST(routes, malformed_targets_are_400) {
  EXPECT_EQ(decide("GET", "/add?name=%g0").status, 400);
  EXPECT_EQ(decide("GET", "*").status, 400);
}
