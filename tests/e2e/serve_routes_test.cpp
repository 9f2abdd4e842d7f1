// Every route and every error of `overlap serve`, through a real loopback connection.
#include "support/http_client.hpp"

#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include <cstring>

#include <fstream>
#include <sstream>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

TEST(serve_routes, get_add_answers_a_dot_after_the_delay_and_records_it) {
  running_server s;
  const auto before = steady::now();
  auto reply = http_request(s.port(), "GET", "/add?name=book&delay=60");
  const auto took = steady::now() - before;
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, ".");
  EXPECT_EQ(reply.headers["content-type"], "text/html; charset=UTF-8");
  EXPECT_GE(took, 60ms);
  const auto records = s.server().records();
  ASSERT_EQ(records.at("book").size(), 1U);
  const auto& r = records.at("book").front();
  EXPECT_GE(r.end - r.start, 0.060);
  std::printf("delay 60 ms answered in %.2f ms, recorded dt %.3f ms\n",
              std::chrono::duration<double, std::milli>(took).count(), (r.end - r.start) * 1e3);
}

TEST(serve_routes, flush_writes_the_metrics_file_and_returns_the_same_json) {
  running_server s;
  http_request(s.port(), "GET", "/add?name=a&delay=0");
  http_request(s.port(), "GET", "/add?name=b&delay=1");
  auto reply = http_request(s.port(), "GET", "/add?flush=True");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "application/json");
  EXPECT_EQ(reply.body.rfind("{\"a\": [{\"start\": ", 0), 0U) << reply.body;
  EXPECT_NE(reply.body.find("\"b\": [{\"start\": "), std::string::npos);
  std::ifstream file(s.server().options().metrics_file);
  std::stringstream content;
  content << file.rdbuf();
  EXPECT_EQ(content.str(), reply.body);
}

TEST(serve_routes, an_invalid_delay_is_400_invalid_value_for_delay) {
  running_server s;
  for (const char* target : {"/add?name=x&delay=abc", "/add?name=x&delay=-5", "/add?name=x&delay=3600001"}) {
    auto reply = http_request(s.port(), "GET", target);
    EXPECT_EQ(reply.status, 400) << target;
    EXPECT_NE(reply.body.find("Invalid value for delay"), std::string::npos) << target;
  }
  EXPECT_TRUE(s.server().records().empty());
}

TEST(serve_routes, a_missing_name_is_400_naming_the_argument) {
  running_server s;
  auto reply = http_request(s.port(), "GET", "/add?delay=1");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("name"), std::string::npos);
}

TEST(serve_routes, unknown_paths_are_404_and_wrong_methods_405) {
  running_server s;
  EXPECT_EQ(http_request(s.port(), "GET", "/nowhere").status, 404);
  auto reply = http_request(s.port(), "PUT", "/add?name=x", "body");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["allow"], "GET, POST");
}

TEST(serve_routes, post_add_waits_and_echoes_the_result_as_json) {
  auto options = running_server::defaults();
  options.post_delay = 40ms;
  running_server s(options);
  const auto before = steady::now();
  auto reply = http_request(s.port(), "POST", "/add", "he said \"hi\"\n");
  EXPECT_GE(steady::now() - before, 40ms);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "application/json");
  EXPECT_EQ(reply.body, "{\"result\": \"he said \\\"hi\\\"\\n\", \"t\": 0.5}");
}

TEST(serve_routes, keep_alive_serves_many_requests_on_one_connection) {
  running_server s;
  http_connection conn(s.port());
  for (int i = 0; i < 5; ++i) {
    auto reply = conn.request("GET", "/add?name=ka&delay=0");
    EXPECT_EQ(reply.status, 200);
    EXPECT_TRUE(reply.keep_alive);
  }
  EXPECT_EQ(s.server().records().at("ka").size(), 5U);
  EXPECT_NE(s.server().prometheus_text().find("overlap_connections_open 1\n"), std::string::npos);
}

TEST(serve_routes, pipelined_requests_are_answered_in_order) {
  running_server s;
  http_connection conn(s.port());
  std::string burst;
  for (const char* body : {"first", "second", "third"}) {
    burst +=
        "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(std::strlen(body)) + "\r\n\r\n" + body;
  }
  conn.send_raw(burst);
  EXPECT_EQ(conn.read_reply().body, "{\"result\": \"first\", \"t\": 0.5}");
  EXPECT_EQ(conn.read_reply().body, "{\"result\": \"second\", \"t\": 0.5}");
  EXPECT_EQ(conn.read_reply().body, "{\"result\": \"third\", \"t\": 0.5}");
}

TEST(serve_routes, a_header_block_over_8_kib_is_431) {
  running_server s;
  const std::string request =
      "GET /add?name=x&delay=0 HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n";
  const auto answer = raw_exchange(s.port(), request, 3s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 431 ", 0), 0U) << answer.substr(0, 80);
}

TEST(serve_routes, a_body_over_1_mib_is_413) {
  running_server s;
  const std::string request = "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\nabc";
  const auto answer = raw_exchange(s.port(), request, 3s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0U) << answer.substr(0, 80);
}

TEST(serve_routes, a_malformed_request_line_is_400_and_closed) {
  running_server s;
  const auto answer = raw_exchange(s.port(), "GARBAGE\r\n\r\n", 3s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0U) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  EXPECT_EQ(http_request(s.port(), "GET", "/add?name=after&delay=0").status, 200); // still serving
}

TEST(serve_routes, expect_100_continue_is_honoured) {
  running_server s;
  const auto answer = raw_exchange(
      s.port(), "POST /add HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", 500ms);
  EXPECT_EQ(answer, "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(serve_routes, http10_without_keep_alive_is_closed_after_the_answer) {
  running_server s;
  const auto answer = raw_exchange(s.port(), "GET /add?name=old&delay=0 HTTP/1.0\r\n\r\n", 3s);
  EXPECT_EQ(answer.rfind("HTTP/1.0 200 OK", 0), 0U) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
}

TEST(serve_routes, an_idle_connection_is_closed_after_the_idle_timeout) {
  auto options = running_server::defaults();
  options.idle_timeout = 150ms;
  running_server s(options);
  http_connection conn(s.port());
  EXPECT_EQ(conn.request("GET", "/add?name=x&delay=0").status, 200);
  EXPECT_TRUE(conn.wait_for_close(5s));
}

TEST(serve_routes, a_header_that_does_not_arrive_in_time_is_closed) {
  auto options = running_server::defaults();
  options.header_timeout = 150ms;
  running_server s(options);
  http_connection conn(s.port());
  conn.send_raw("GET /add?name=slow&delay=0 HTTP/1.1\r\nHost:");
  EXPECT_TRUE(conn.wait_for_close(5s));
  EXPECT_TRUE(s.server().records().empty());
}

TEST(serve_routes, a_connection_that_never_sends_a_byte_is_closed_at_the_header_timeout) {
  auto options = running_server::defaults();
  options.header_timeout = 150ms;
  options.idle_timeout = 60s;
  running_server s(options);
  http_connection conn(s.port());
  EXPECT_TRUE(conn.wait_for_close(5s)); // not after the idle timeout
}

TEST(serve_routes, metrics_are_in_prometheus_text_format) {
  running_server s;
  http_request(s.port(), "GET", "/add?name=m&delay=2");
  http_request(s.port(), "GET", "/nowhere");
  auto reply = http_request(s.port(), "GET", "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(reply.body.find("overlap_requests_total{route=\"add\",status=\"200\"} 1\n"), std::string::npos);
  EXPECT_NE(reply.body.find("overlap_requests_total{route=\"other\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(reply.body.find("overlap_timer_overshoot_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(reply.body.find("# TYPE overlap_connections_open gauge"), std::string::npos);
}

TEST(serve_routes, a_port_in_use_is_a_clear_error) {
  running_server s;
  auto options = running_server::defaults();
  options.port = s.port();
  try {
    delay_server second(options);
    FAIL() << "a second server bound the same port";
  } catch (const boost::system::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos) << e.what();
  }
}

TEST(serve_routes, a_named_post_is_recorded_like_a_get) {
  auto options = running_server::defaults();
  options.post_delay = 5ms;
  running_server s(options);
  EXPECT_EQ(http_request(s.port(), "POST", "/add?name=db", "r").status, 200);
  EXPECT_EQ(http_request(s.port(), "POST", "/add", "r").status, 200);
  const auto records = s.server().records();
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records.at("db").size(), 1U);
}
