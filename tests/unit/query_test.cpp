#include "server/query.hpp"

#include <gtest/gtest.h>

using namespace overlap::server;
using namespace std::chrono_literals;

TEST(query, decodes_name_and_delay) {
  parsed_target t;
  parse_target("/add?name=gevent&delay=100&", t);
  EXPECT_FALSE(t.malformed);
  EXPECT_FALSE(t.invalid_delay);
  EXPECT_EQ(t.path, "/add");
  EXPECT_TRUE(t.add.has_name);
  EXPECT_EQ(t.add.name, "gevent");
  EXPECT_EQ(t.add.delay, 100ms);
  EXPECT_FALSE(t.add.flush);
}

TEST(query, book_urls_with_a_random_suffix_still_parse) {
  parsed_target t;
  parse_target("/add?name=serial&delay=100&qwertyuiop", t);
  EXPECT_FALSE(t.malformed);
  EXPECT_EQ(t.add.name, "serial");
  EXPECT_EQ(t.add.delay, 100ms);
}

TEST(query, delay_defaults_to_the_books_1024_ms) {
  parsed_target t;
  parse_target("/add?name=x", t);
  EXPECT_EQ(t.add.delay, 1024ms);
}

TEST(query, percent_encoding_and_plus_are_decoded) {
  parsed_target t;
  parse_target("/add?name=a%20b+c%2Fd&delay=0", t);
  EXPECT_EQ(t.add.name, "a b c/d");
}

TEST(query, bad_percent_encoding_is_malformed) {
  parsed_target t;
  parse_target("/add?name=%zz", t);
  EXPECT_TRUE(t.malformed);
}

TEST(query, a_target_that_is_not_origin_form_is_malformed) {
  parsed_target t;
  parse_target("add?name=x", t);
  EXPECT_TRUE(t.malformed);
}

TEST(query, the_last_of_repeated_keys_wins) {
  parsed_target t;
  parse_target("/add?name=a&name=b&delay=1&delay=2", t);
  EXPECT_EQ(t.add.name, "b");
  EXPECT_EQ(t.add.delay, 2ms);
}

TEST(query, invalid_delays_are_flagged) {
  for (const char* target : {"/add?name=x&delay=abc", "/add?name=x&delay=-1", "/add?name=x&delay=1.5",
                             "/add?name=x&delay=", "/add?name=x&delay=3600001", "/add?name=x&delay=99999999999999"}) {
    parsed_target t;
    parse_target(target, t);
    EXPECT_TRUE(t.invalid_delay) << target;
  }
}

TEST(query, the_largest_delay_is_one_hour) {
  std::chrono::milliseconds d{};
  EXPECT_TRUE(parse_delay("3600000", d));
  EXPECT_EQ(d, 3600000ms);
  EXPECT_TRUE(parse_delay("0", d));
  EXPECT_EQ(d, 0ms);
  EXPECT_FALSE(parse_delay("3600001", d));
  EXPECT_FALSE(parse_delay(" 5", d));
}

TEST(query, flush_follows_the_books_truthiness) {
  EXPECT_TRUE(flag_is_set("True"));
  EXPECT_TRUE(flag_is_set("1"));
  EXPECT_TRUE(flag_is_set("yes"));
  EXPECT_FALSE(flag_is_set(""));
  EXPECT_FALSE(flag_is_set("0"));
  EXPECT_FALSE(flag_is_set("False"));
  EXPECT_FALSE(flag_is_set("false"));
  parsed_target t;
  parse_target("/add?flush=True", t);
  EXPECT_TRUE(t.add.flush);
  EXPECT_FALSE(t.add.has_name);
}

TEST(query, reusing_the_target_clears_the_previous_request) {
  parsed_target t;
  parse_target("/add?name=a&delay=5&flush=True", t);
  parse_target("/metrics", t);
  EXPECT_EQ(t.path, "/metrics");
  EXPECT_FALSE(t.add.has_name);
  EXPECT_TRUE(t.add.name.empty());
  EXPECT_FALSE(t.add.flush);
  EXPECT_EQ(t.add.delay, default_delay);
}

TEST(query, an_absolute_form_target_is_parsed_like_its_origin_form) {
  parsed_target t;
  parse_target("http://example.com:8080/add?name=abs&delay=5", t);
  EXPECT_FALSE(t.malformed);
  EXPECT_EQ(t.path, "/add");
  EXPECT_EQ(t.add.name, "abs");
  EXPECT_EQ(t.add.delay, 5ms);
}

TEST(query, a_target_with_another_scheme_is_malformed) {
  parsed_target t;
  parse_target("ftp://example.com/add?name=x", t);
  EXPECT_TRUE(t.malformed);
}

TEST(query, invalid_utf8_in_a_name_is_replaced_by_u_fffd) {
  parsed_target t;
  parse_target("/add?name=a%C0%AFb%FF", t);
  EXPECT_EQ(t.add.name, "a\xEF\xBF\xBD\xEF\xBF\xBD"
                        "b\xEF\xBF\xBD");
  parse_target("/add?name=%E2%82%AC%F0%9F%98%80", t); // valid: kept as it is
  EXPECT_EQ(t.add.name, "\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(query, a_name_over_the_limit_is_flagged) {
  parsed_target t;
  parse_target("/add?name=" + std::string(max_name_bytes, 'x'), t);
  EXPECT_FALSE(t.name_too_long);
  parse_target("/add?name=" + std::string(max_name_bytes + 1, 'x'), t);
  EXPECT_TRUE(t.name_too_long);
}

TEST(query, reset_is_read_with_flush) {
  parsed_target t;
  parse_target("/add?flush=True&reset=True", t);
  EXPECT_TRUE(t.add.flush);
  EXPECT_TRUE(t.add.reset);
  parse_target("/add?flush=True", t);
  EXPECT_FALSE(t.add.reset);
}
