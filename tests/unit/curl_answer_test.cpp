// The curl strategy's answers in the terms of the others, without any I/O: header lines
// and body sizes fed as curl's callbacks deliver them.
#include "crawl/curl_answer.hpp"

#include "http/response_reader.hpp"

#include <gtest/gtest.h>

using namespace overlap;
using namespace std::chrono_literals;

namespace {
crawl::curl_answer fed(std::initializer_list<std::string_view> lines) {
  crawl::curl_answer a;
  for (const auto line : lines) {
    a.header_line(line);
  }
  return a;
}
} // namespace

TEST(curl_answer, a_whole_head_after_interim_answers_is_an_answer) {
  auto a = fed({"HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 200 OK\r\n", "Content-Length: 1\r\n", "\r\n"});
  ASSERT_TRUE(a.body(1));
  const auto out = a.outcome(CURLE_OK, 200);
  EXPECT_FALSE(out.failure);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.bytes, 1u);
}

TEST(curl_answer, a_head_cut_off_is_a_reset_even_when_curl_says_ok) {
  EXPECT_EQ(fed({"HTTP/1.1 200 OK\r\n"}).outcome(CURLE_OK, 200).failure, failure_kind::reset);
  EXPECT_EQ(fed({"HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 200 OK\r\n"}).outcome(CURLE_OK, 200).failure,
            failure_kind::reset)
      << "only the interim answer's head was whole";
}

TEST(curl_answer, a_body_past_the_limit_is_malformed_whatever_curl_says) {
  auto a = fed({"HTTP/1.1 200 OK\r\n", "\r\n"});
  EXPECT_TRUE(a.body(http::body_limit_bytes));
  EXPECT_FALSE(a.body(1));
  EXPECT_EQ(a.outcome(CURLE_WRITE_ERROR, 200).failure, failure_kind::malformed);
  a.clear();
  EXPECT_FALSE(a.body_too_large);
  EXPECT_EQ(a.bytes, 0u);
}

TEST(curl_answer, keeps_the_final_answers_retry_after_in_any_case) {
  auto a = fed({"HTTP/1.1 503 Busy\r\n", "RETRY-after: 2\r\n", "\r\n"});
  const auto out = a.outcome(CURLE_OK, 503);
  EXPECT_EQ(out.failure, std::nullopt) << "an answer: the options' ok statuses judge it later";
  EXPECT_EQ(out.status, 503);
  EXPECT_EQ(out.retry_after, 2000ms);
  auto b = fed({"HTTP/1.1 103 Early Hints\r\n", "Retry-After: 9\r\n", "\r\n", "HTTP/1.1 503 Busy\r\n", "\r\n"});
  EXPECT_EQ(b.outcome(CURLE_OK, 503).retry_after, std::nullopt) << "an interim answer's header is not the final one's";
}

TEST(curl_answer, classes_curl_errors_as_the_other_strategies_do) {
  EXPECT_EQ(crawl::kind_of(CURLE_COULDNT_CONNECT), failure_kind::refused);
  EXPECT_EQ(crawl::kind_of(CURLE_OPERATION_TIMEDOUT), failure_kind::timeout);
  EXPECT_EQ(crawl::kind_of(CURLE_WEIRD_SERVER_REPLY), failure_kind::malformed);
  EXPECT_EQ(crawl::kind_of(CURLE_RECV_ERROR), failure_kind::reset);
  EXPECT_EQ(crawl::kind_of(CURLE_PEER_FAILED_VERIFICATION), failure_kind::tls);
  EXPECT_EQ(crawl::kind_of(CURLE_SSL_CONNECT_ERROR), failure_kind::tls);
}
