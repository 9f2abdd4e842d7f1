#include "server/http_response.hpp"

#include <gtest/gtest.h>

using namespace overlap::server;

TEST(http_response, keep_alive_http11_needs_no_connection_header) {
  std::string out;
  format_response(out, response_head{.status = 200, .content_type = "text/html; charset=UTF-8"}, ".");
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nServer: overlap\r\nContent-Type: text/html; charset=UTF-8\r\n"
                 "Content-Length: 1\r\n\r\n.");
}

TEST(http_response, closing_and_extra_headers_are_written) {
  std::string out;
  format_response(out, response_head{.status = 405, .keep_alive = false, .extra_headers = "Allow: GET\r\n"}, "no");
  EXPECT_EQ(out, "HTTP/1.1 405 Method Not Allowed\r\nServer: overlap\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                 "Content-Length: 2\r\nConnection: close\r\nAllow: GET\r\n\r\nno");
}

TEST(http_response, http10_keep_alive_is_said_explicitly) {
  std::string out;
  format_response(out, response_head{.version = 10}, "");
  EXPECT_NE(out.find("HTTP/1.0 200 OK\r\n"), std::string::npos);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(http_response, the_buffer_is_replaced_not_appended) {
  std::string out = "stale";
  format_response(out, response_head{}, "x");
  EXPECT_EQ(out.rfind("HTTP/1.1", 0), 0U);
}
