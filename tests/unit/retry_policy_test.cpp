// The one retry policy: backoff, the last attempt, Retry-After (seconds or HTTP-date,
// on 429 and 503 only, capped), and what the workload counts as a failed save.
#include "overlap/retry_policy.hpp"

#include "http/retry_after.hpp"
#include "workload/result_saver.hpp"

#include <gtest/gtest.h>

using namespace overlap;
using namespace std::chrono_literals;

TEST(retry_policy, doubles_from_the_first_backoff_up_to_the_cap) {
  const retry_policy p{.retries = 20, .first_backoff = 50ms, .max_backoff = 1000ms};
  EXPECT_EQ(p.backoff(0), 50ms);
  EXPECT_EQ(p.backoff(1), 100ms);
  EXPECT_EQ(p.backoff(4), 800ms);
  EXPECT_EQ(p.backoff(5), 1000ms);
  EXPECT_EQ(p.backoff(63), 1000ms);
  EXPECT_EQ(p.backoff(1000), 1000ms) << "no overflow far past the cap";
}

TEST(retry_policy, gives_up_after_the_last_retry) {
  const retry_policy p{.retries = 2};
  EXPECT_EQ(p.next_pause(0, 0, std::nullopt), 50ms);
  EXPECT_EQ(p.next_pause(1, 500, std::nullopt), 100ms);
  EXPECT_EQ(p.next_pause(2, 0, std::nullopt), std::nullopt);
  EXPECT_EQ(retry_policy{.retries = 0}.next_pause(0, 503, 1s), std::nullopt);
}

TEST(retry_policy, honours_retry_after_only_on_429_and_503) {
  const retry_policy p{.retries = 3};
  EXPECT_EQ(p.next_pause(0, 503, 2s), 2000ms);
  EXPECT_EQ(p.next_pause(0, 429, 3s), 3000ms);
  EXPECT_EQ(p.next_pause(0, 500, 2s), 50ms) << "a 500's Retry-After is not an invitation";
  EXPECT_EQ(p.next_pause(0, 0, 2s), 50ms);
  EXPECT_EQ(p.next_pause(3, 503, 2s), std::nullopt) << "Retry-After adds no attempt";
}

TEST(retry_policy, never_waits_less_than_the_backoff_nor_more_than_the_cap) {
  const retry_policy p{.retries = 9, .first_backoff = 50ms, .max_backoff = 1000ms, .max_retry_after = 5000ms};
  EXPECT_EQ(p.next_pause(3, 503, 0ms), 400ms);
  EXPECT_EQ(p.next_pause(0, 503, 3600s), 5000ms);
}

TEST(retry_after, reads_a_number_of_seconds) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(http::parse_retry_after("3", now), 3000ms);
  EXPECT_EQ(http::parse_retry_after(" 0 \r\n", now), 0ms);
  EXPECT_EQ(http::parse_retry_after("99999999999999999999999", now), std::chrono::seconds(1'000'000'000));
}

TEST(retry_after, reads_the_three_http_date_forms) {
  // Sun, 06 Nov 1994 08:49:37 GMT, as RFC 9110 writes it in its three forms.
  const std::chrono::sys_seconds date = std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + 8h + 49min + 37s;
  const auto now = date - 5s;
  EXPECT_EQ(http::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 5000ms);
  EXPECT_EQ(http::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), 5000ms);
  EXPECT_EQ(http::parse_retry_after("Sun Nov  6 08:49:37 1994", now), 5000ms);
  EXPECT_EQ(http::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date + 1h), 0ms) << "a past date: no wait";
}

TEST(retry_after, refuses_what_is_neither) {
  const auto now = std::chrono::system_clock::now();
  for (const auto* bad : {"", "soon", "-1", "1.5", "3 s", "Sun, 06 Nov 1994 08:49:37", "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"}) {
    EXPECT_EQ(http::parse_retry_after(bad, now), std::nullopt) << bad;
  }
}

TEST(reply_failure, keeps_the_sinks_own_kind_and_tells_status_from_mismatch) {
  using workload::reply_failure;
  const std::string result = "$2b$04$abc";
  save_reply reset{.failure = failure_kind::reset};
  EXPECT_EQ(reply_failure(reset, result), failure_kind::reset);
  save_reply timeout{.failure = failure_kind::timeout, .status = 200, .body = R"({"result": "$2b$04$abc"})"};
  EXPECT_EQ(reply_failure(timeout, result), failure_kind::timeout) << "the sink's word wins";
  EXPECT_EQ(reply_failure(save_reply{.status = 503}, result), failure_kind::status);
  EXPECT_EQ(reply_failure(save_reply{.status = 200, .body = "not json"}, result), failure_kind::mismatch);
  EXPECT_EQ(reply_failure(save_reply{.status = 200, .body = R"({"result": "other"})"}, result), failure_kind::mismatch);
  EXPECT_EQ(reply_failure(save_reply{.status = 201, .body = R"({"result": "$2b$04$abc", "t": 1})"}, result),
            std::nullopt);
}
