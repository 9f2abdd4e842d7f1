// What a user writes to say what to crawl: URL lists, headers, status ranges, and the
// request source that turns them into requests, checked without any I/O.
#include "overlap/crawl.hpp"

#include "crawl/request_source.hpp"
#include "http/request_text.hpp"
#include "overlap/retry_policy.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

using namespace overlap;

namespace {

std::string reason_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

std::vector<crawl_target> list_of(std::string_view text) {
  return parse_url_list(text, "urls.txt", [](const std::string& name) {
    if (name == "missing.json") {
      throw std::invalid_argument("cannot read body file '" + name + "'");
    }
    return "body of " + name;
  });
}

} // namespace

TEST(url_list, skips_comments_and_blank_lines_and_reads_method_url_and_body) {
  const auto targets = list_of("# the site\n\nhttp://h/a\n  POST http://h:81/add?x=1 @b.json  \r\n"
                               "DELETE http://h/c\n# done\n");
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].url, "http://h/a");
  EXPECT_EQ(targets[0].method, "");
  EXPECT_FALSE(targets[0].body);
  EXPECT_EQ(targets[1].method, "POST");
  EXPECT_EQ(targets[1].url, "http://h:81/add?x=1");
  EXPECT_EQ(targets[1].body, "body of b.json");
  EXPECT_EQ(targets[2].method, "DELETE");
}

TEST(url_list, names_the_line_of_a_bad_entry) {
  EXPECT_EQ(reason_of([] { list_of("http://h/a\nnot a url at all\n"); }),
            "urls.txt:2: expected [METHOD] URL [@BODY_FILE], not 'not a url at all'");
  EXPECT_EQ(reason_of([] { list_of("http://h/a\n\nGET http://h/b @x.json extra\n"); }),
            "urls.txt:3: unexpected 'extra': expected [METHOD] URL [@BODY_FILE]");
  EXPECT_EQ(reason_of([] { list_of("G(T http://h/a\n"); }), "urls.txt:1: 'G(T' is not an HTTP method");
  EXPECT_EQ(reason_of([] { list_of("ftp://h/a\n"); }),
            "urls.txt:1: only http:// and https:// URLs are supported, not ftp://");
  EXPECT_EQ(reason_of([] { list_of("POST http://h/a @missing.json\n"); }),
            "urls.txt:1: cannot read body file 'missing.json'");
  EXPECT_NO_THROW(list_of("https://h/a\n"));
}

TEST(url_list, refuses_a_list_without_urls) {
  EXPECT_EQ(reason_of([] { list_of(""); }), "urls.txt: no URL in the list");
  EXPECT_EQ(reason_of([] { list_of("# only a comment\n\n"); }), "urls.txt: no URL in the list");
  EXPECT_NE(reason_of([] { read_url_list("/nonexistent/urls.txt"); }).find("cannot read URL list"), std::string::npos);
}

TEST(request_header, splits_name_and_value_and_refuses_what_is_not_a_header) {
  const auto h = parse_request_header("X-Test:  a: b ");
  EXPECT_EQ(h.name, "X-Test");
  EXPECT_EQ(h.value, "a: b");
  EXPECT_EQ(parse_request_header("Accept:").value, "");
  EXPECT_EQ(reason_of([] { parse_request_header("NoColon"); }),
            "header 'NoColon' has no colon: give it as 'Name: value'");
  EXPECT_THROW(parse_request_header(": value"), std::invalid_argument);
  EXPECT_THROW(parse_request_header("Bad Name: v"), std::invalid_argument);
  EXPECT_THROW(parse_request_header("Content-Length: 5"), std::invalid_argument);
}

TEST(status_ranges, reads_lists_and_ranges) {
  const auto r = parse_status_ranges("200-399,404, 418");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(status_in(r, 200));
  EXPECT_TRUE(status_in(r, 302));
  EXPECT_TRUE(status_in(r, 399));
  EXPECT_TRUE(status_in(r, 404));
  EXPECT_TRUE(status_in(r, 418));
  EXPECT_FALSE(status_in(r, 400));
  EXPECT_FALSE(status_in(r, 500));
  for (const auto* bad : {"", "abc", "200-", "-300", "99", "600", "300-200", "200,,300", "2xx"}) {
    EXPECT_THROW(parse_status_ranges(bad), std::invalid_argument) << bad;
  }
}

TEST(retry_policy, retries_only_statuses_that_may_change) {
  retry_policy p;
  for (int status : {408, 429, 500, 502, 503, 504}) {
    EXPECT_TRUE(retry_policy::retryable_status(status)) << status;
    EXPECT_TRUE(p.next_pause(0, status, std::nullopt)) << status;
  }
  for (int status : {301, 400, 401, 404, 501, 505}) {
    EXPECT_FALSE(retry_policy::retryable_status(status)) << status;
    EXPECT_FALSE(p.next_pause(0, status, std::nullopt)) << status;
  }
  EXPECT_TRUE(p.next_pause(0, 0, std::nullopt)) << "no answer at all: worth another try";
}

TEST(request_source, fetches_a_fixed_url_as_written) {
  crawl_options o;
  o.base_url = "http://127.0.0.1:8080/index.html?q=1";
  crawl::request_source s(o);
  std::string target;
  s.fill_target(s.at(0), target);
  EXPECT_EQ(target, "/index.html?q=1");
  s.fill_target(s.at(99), target);
  EXPECT_EQ(target, "/index.html?q=1");
  EXPECT_EQ(s.endpoints().size(), 1u);
  EXPECT_FALSE(s.at(0).body);
}

TEST(request_source, puts_fresh_letters_in_each_random_placeholder) {
  crawl_options o;
  o.base_url = "http://h/{random}/x?id={random}";
  o.seed = 3;
  crawl::request_source s(o);
  std::string target;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    s.fill_target(s.at(i), target);
    ASSERT_EQ(target.size(), std::string("//x?id=").size() + 20) << target;
    EXPECT_EQ(target.substr(11, 6), "/x?id=") << target;
    seen.insert(target);
  }
  EXPECT_EQ(seen.size(), 100u);
  o.base_url = "http://{random}/";
  EXPECT_THROW(crawl::request_source{o}, std::invalid_argument);
}

TEST(request_source, keeps_the_books_suffix_for_the_delay_servers_route) {
  crawl_options o;
  o.base_url = "http://h:8080/add?name=x&delay=100&";
  crawl::request_source s(o);
  std::string target;
  s.fill_target(s.at(0), target);
  EXPECT_EQ(target.size(), std::string("/add?name=x&delay=100&").size() + 10);
  EXPECT_TRUE(target.starts_with("/add?name=x&delay=100&"));
  EXPECT_TRUE(crawl::is_delay_server_url("http://h/add?delay=5&"));
  EXPECT_FALSE(crawl::is_delay_server_url("http://h/add?name=x"));
  EXPECT_FALSE(crawl::is_delay_server_url("http://h/other?delay=5"));
}

TEST(request_source, pools_per_scheme_host_and_port_and_gives_post_a_content_length) {
  crawl_options o;
  o.targets = {
      {"http://a/1", "", {}}, {"http://b/2", "POST", {}}, {"http://a:80/3", "PUT", "x"}, {"http://a:81/", "", {}}};
  o.body = "default";
  crawl::request_source s(o);
  ASSERT_EQ(s.endpoints().size(), 3u);
  EXPECT_EQ(s.at(0).endpoint, 0u);
  EXPECT_EQ(s.at(1).endpoint, 1u);
  EXPECT_EQ(s.at(2).endpoint, 0u);
  EXPECT_EQ(s.at(3).endpoint, 2u);
  EXPECT_EQ(s.at(0).method, "GET");
  EXPECT_EQ(s.at(0).body, "default");
  EXPECT_EQ(s.at(2).body, "x");
  EXPECT_EQ(s.at(4).endpoint, 0u) << "the list is cycled";
}

TEST(request_text, writes_any_method_with_headers_and_body) {
  std::string out;
  const std::array headers{http_header{"X-Test", "1"}};
  http::format_request(out, "DELETE", "/a", "h", true, headers, std::nullopt);
  EXPECT_EQ(out, "DELETE /a HTTP/1.1\r\nHost: h\r\nX-Test: 1\r\n\r\n");
  http::format_request(out, "PUT", "/a", "", false, headers, std::string_view("hi"));
  EXPECT_EQ(out, "PUT /a HTTP/1.1\r\nConnection: close\r\nX-Test: 1\r\nContent-Length: 2\r\n\r\nhi");
}

TEST(validate_crawl_options, refuses_bad_durations_and_status_ranges) {
  crawl_options o;
  o.base_url = "http://127.0.0.1/";
  o.duration = std::chrono::milliseconds(0);
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
  o.duration.reset();
  o.ok_statuses.clear();
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
  o.ok_statuses = {{300, 200}};
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
  o.ok_statuses = {{200, 399}};
  o.method = "BAD METHOD";
  EXPECT_THROW(validate_crawl_options(o), std::invalid_argument);
}
