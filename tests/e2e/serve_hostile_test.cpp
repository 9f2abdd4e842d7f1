// `overlap serve` against clients that break the rules: each gets its 4xx or a clean
// close, and the server goes on serving everyone else.
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;

namespace {

constexpr auto answer_timeout = 5s;

/// The status of the first response in `text`, or 0 if there is none.
int first_status(const std::string& text) {
  if (text.rfind("HTTP/1.", 0) != 0 || text.size() < 12) {
    return 0;
  }
  return std::stoi(text.substr(9, 3));
}

/// A 4xx and a close, or a close without a word: what a broken request may get.
void expect_refused(const raw_reply& reply, std::string_view what) {
  EXPECT_TRUE(reply.closed) << what << ": the server left the connection open";
  if (!reply.received.empty()) {
    const int status = first_status(reply.received);
    EXPECT_TRUE(status >= 400 && status < 500) << what << ": " << reply.received.substr(0, 80);
    EXPECT_NE(reply.received.find("Connection: close"), std::string::npos) << what;
  }
}

void expect_still_serving(running_server& s) {
  EXPECT_EQ(http_request(s.port(), "GET", "/add?name=after&delay=0").status, 200);
}

/// Waits (bounded) until the server holds no connection; false if it still does.
bool all_connections_closed(running_server& s) {
  for (int i = 0; i < 500; ++i) {
    if (s.server().prometheus_text().find("overlap_connections_open 0\n") != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::string get_with_headers(std::string_view target, std::string_view headers) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" + std::string(headers) + "\r\n";
}

} // namespace

TEST(serve_hostile, malformed_request_lines_are_400_or_closed) {
  running_server s;
  const std::vector<std::string> lines{"GARBAGE\r\n\r\n",
                                       "GET\r\n\r\n",
                                       "GET /add HTTP/9.9\r\n\r\n",
                                       "GET  /add HTTP/1.1\r\n\r\n",
                                       "GET /add HTTP/1.1 x\r\n\r\n",
                                       std::string("\0\x01\x02\r\n\r\n", 7),
                                       "\r\n\r\n\r\n\r\n",
                                       "GET /add\tHTTP/1.1\r\n\r\n",
                                       "G\x7f T /add HTTP/1.1\r\n\r\n",
                                       "GET /add HTTP/1.1\n\n"};
  for (const auto& line : lines) {
    const auto reply = raw_conversation(s.port(), line, answer_timeout);
    expect_refused(reply, line);
    std::printf("%-28s -> %s\n", ::testing::PrintToString(line).c_str(),
                reply.received.empty() ? "closed" : reply.received.substr(0, reply.received.find('\r')).c_str());
  }
  expect_still_serving(s);
}

TEST(serve_hostile, bad_percent_encoding_is_400_and_the_connection_serves_on) {
  running_server s;
  http_connection conn(s.port());
  for (const char* target : {"/add?name=%zz&delay=1", "/add?name=%&delay=1", "/add?name=%4&delay=1", "/%zz",
                             "/add?name=x&delay=%31%3", "/add?%=x"}) {
    const auto reply = conn.request("GET", target);
    EXPECT_EQ(reply.status, 400) << target;
    EXPECT_TRUE(reply.keep_alive) << target; // the request was whole: only its target was bad
  }
  EXPECT_EQ(conn.request("GET", "/add?name=%41%20b&delay=0").status, 200);
  EXPECT_EQ(s.server().records().count("A b"), 1U);
}

TEST(serve_hostile, conflicting_duplicate_headers_are_400) {
  running_server s;
  for (const char* request : {"POST /add HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                              "POST /add HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                              "POST /add HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "0\r\n\r\n"}) {
    const auto reply = raw_conversation(s.port(), request, answer_timeout);
    expect_refused(reply, request);
    EXPECT_EQ(first_status(reply.received), 400) << request;
  }
  expect_still_serving(s);
}

TEST(serve_hostile, harmless_duplicate_headers_are_served) {
  running_server s;
  const auto reply = raw_conversation(
      s.port(), get_with_headers("/add?name=dup&delay=0", "Accept: a\r\nAccept: b\r\nConnection: close\r\n"),
      answer_timeout);
  EXPECT_EQ(first_status(reply.received), 200) << reply.received;
}

// RFC 9112 6.3: a Transfer-Encoding whose last coding is not chunked leaves the body's
// length unknown; taking it as empty let its bytes be read as a second request.
TEST(serve_hostile, a_transfer_encoding_not_ending_in_chunked_is_400_and_smuggles_nothing) {
  running_server s;
  const std::string smuggled = "GET /add?name=SMUGGLED&delay=0 HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const char* coding :
       {"xchunked", "identity", "gzip", "chunked, identity", "chunked;x=1", "chransfer-Encoding: chunked"}) {
    const auto request =
        "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + std::string(coding) + "\r\n\r\n" + smuggled;
    const auto reply = raw_conversation(s.port(), request, answer_timeout);
    expect_refused(reply, coding);
    EXPECT_EQ(first_status(reply.received), 400) << coding << ": " << reply.received;
    EXPECT_EQ(reply.received.find("HTTP/1.1 200"), std::string::npos) << coding << ": " << reply.received;
    EXPECT_NE(reply.received.find("last coding is not chunked"), std::string::npos) << coding << ": " << reply.received;
  }
  EXPECT_EQ(s.server().records().count("SMUGGLED"), 0U);
  expect_still_serving(s);
}

TEST(serve_hostile, transfer_encoding_in_http10_or_folded_is_400) {
  running_server s;
  for (const char* request : {"POST /add HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                              "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n0\r\n\r\n",
                              "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\tchunked, identity\r\n\r\n"}) {
    const auto reply = raw_conversation(s.port(), request, answer_timeout);
    expect_refused(reply, request);
    EXPECT_EQ(first_status(reply.received), 400) << request << ": " << reply.received;
  }
  expect_still_serving(s);
}

TEST(serve_hostile, an_http11_request_without_exactly_one_host_is_400) {
  running_server s;
  for (const char* request :
       {"GET /add?name=h&delay=0 HTTP/1.1\r\n\r\n", "GET /add?name=h&delay=0 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
    const auto reply = raw_conversation(s.port(), request, answer_timeout);
    expect_refused(reply, request);
    EXPECT_EQ(first_status(reply.received), 400) << request << ": " << reply.received;
    EXPECT_NE(reply.received.find("Host"), std::string::npos) << reply.received; // the reason names it
  }
  EXPECT_EQ(s.server().records().count("h"), 0U);
  const auto http10 = raw_conversation(s.port(), "GET /add?name=h10&delay=0 HTTP/1.0\r\n\r\n", answer_timeout);
  EXPECT_EQ(first_status(http10.received), 200) << http10.received; // HTTP/1.0 needs no Host
}

TEST(serve_hostile, an_absolute_form_target_is_served) {
  running_server s;
  const auto reply = raw_conversation(
      s.port(),
      "GET http://127.0.0.1/add?name=absolute&delay=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      answer_timeout);
  EXPECT_EQ(first_status(reply.received), 200) << reply.received;
  EXPECT_EQ(s.server().records().count("absolute"), 1U);
}

TEST(serve_hostile, oversized_header_blocks_are_431_however_they_are_made) {
  running_server s;
  std::string many_headers;
  for (int i = 0; i < 600; ++i) {
    many_headers += "X-Field-" + std::to_string(i) + ": value\r\n";
  }
  const std::vector<std::pair<std::string, std::string>> cases{
      {"one long header", get_with_headers("/add?name=x&delay=0", "X-Big: " + std::string(9000, 'a') + "\r\n")},
      {"many headers", get_with_headers("/add?name=x&delay=0", many_headers)},
      {"a long target", get_with_headers("/add?name=" + std::string(9000, 'n') + "&delay=0", "")},
  };
  for (const auto& [what, request] : cases) {
    const auto reply = raw_conversation(s.port(), request, answer_timeout);
    expect_refused(reply, what);
    EXPECT_EQ(first_status(reply.received), 431) << what;
  }
  expect_still_serving(s);
}

TEST(serve_hostile, oversized_bodies_are_413_whether_announced_or_chunked) {
  running_server s;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"Content-Length over 1 MiB", "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\nabc"},
      {"one chunk over 1 MiB", "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\nabc"},
      {"chunks adding up to over 1 MiB", "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                             [] {
                                               std::string chunks;
                                               for (int i = 0; i < 17; ++i) {
                                                 chunks += "10000\r\n" + std::string(0x10000, 'c') + "\r\n";
                                               }
                                               return chunks;
                                             }()},
  };
  for (const auto& [what, request] : cases) {
    const auto reply = raw_conversation(s.port(), request, answer_timeout);
    expect_refused(reply, what);
    EXPECT_EQ(first_status(reply.received), 413) << what;
  }
  expect_still_serving(s);
}

TEST(serve_hostile, garbage_pipelined_after_a_valid_request_is_answered_in_order_then_closed) {
  running_server s;
  const auto reply = raw_conversation(
      s.port(), get_with_headers("/add?name=first&delay=0", "") + "\x16\x03\x01 this is not HTTP\r\n\r\n",
      answer_timeout);
  EXPECT_EQ(first_status(reply.received), 200) << reply.received;
  const auto second = reply.received.find("HTTP/1.1 400 ");
  EXPECT_NE(second, std::string::npos) << reply.received;
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(s.server().records().at("first").size(), 1U);
  expect_still_serving(s);
}

TEST(serve_hostile, a_client_that_disconnects_mid_request_costs_nothing) {
  running_server s;
  const std::vector<std::string> partial{"GET /add?name=half", "GET /add?name=half&delay=0 HTTP/1.1\r\nHost:",
                                         "POST /add HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly some",
                                         "POST /add HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc"};
  for (const auto& bytes : partial) {
    send_and_disconnect(s.port(), bytes, false);
    send_and_disconnect(s.port(), bytes, true);
  }
  expect_still_serving(s); // accepted after the others: they have all been accepted by now
  EXPECT_TRUE(all_connections_closed(s));
  EXPECT_EQ(s.server().records().count("half"), 0U);
  EXPECT_NE(s.server().prometheus_text().find("overlap_connection_failures_total 0\n"), std::string::npos);
}

// A request whose client left is cancelled at once (its socket and slot given back) and,
// never answered, not recorded.
TEST(serve_hostile, a_client_that_disconnects_mid_delay_is_cancelled_and_not_recorded) {
  running_server s;
  for (bool abort : {false, true}) {
    send_and_disconnect(s.port(), get_with_headers("/add?name=gone&delay=150", ""), abort);
    send_and_disconnect(s.port(), "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\ngone", abort);
  }
  expect_still_serving(s);                // accepted after the others: they have all been accepted by now
  EXPECT_TRUE(all_connections_closed(s)); // each closes once its wait sees the client gone
  EXPECT_EQ(s.server().records().count("gone"), 0U);
  EXPECT_NE(s.server().prometheus_text().find("overlap_requests_abandoned_total 4\n"), std::string::npos)
      << s.server().prometheus_text();
  EXPECT_NE(s.server().prometheus_text().find("overlap_connection_failures_total 0\n"), std::string::npos);
  EXPECT_NE(s.server().prometheus_text().find("overlap_requests_in_flight 0\n"), std::string::npos);
}
