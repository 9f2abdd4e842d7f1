// The records behind metric_data.json: bounded, resettable, valid JSON whatever the
// input, and flushed without stalling the other connections.
#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
namespace asio = boost::asio;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool has_sample(running_server& s, const std::string& line) {
  return s.server().prometheus_text().find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST(serve_records, past_the_limit_requests_are_answered_counted_and_not_kept) {
  auto options = running_server::defaults();
  options.max_records_bytes = 16 + 1 + 96 + 4 * 16; // the name "a" and five records
  running_server s(options);
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(http_request(s.port(), "GET", "/add?name=a&delay=0").status, 200);
  }
  const auto said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(s.server().records().at("a").size(), 5U);
  EXPECT_TRUE(has_sample(s, "overlap_records 5")) << s.server().prometheus_text();
  EXPECT_TRUE(has_sample(s, "overlap_records_dropped_total 3"));
  EXPECT_TRUE(has_sample(s, "overlap_records_limit_bytes 177"));
  // Said once, however many are dropped.
  const auto first = said.find("records full");
  ASSERT_NE(first, std::string::npos) << said;
  EXPECT_EQ(said.find("records full", first + 1), std::string::npos) << said;
}

TEST(serve_records, a_flush_with_reset_empties_the_records_and_a_second_flush_returns_none_again) {
  running_server s;
  for (int i = 0; i < 3; ++i) {
    http_request(s.port(), "GET", "/add?name=r&delay=0");
  }
  const auto first = http_request(s.port(), "GET", "/add?flush=True&reset=True");
  EXPECT_EQ(boost::json::parse(first.body).as_object().at("r").as_array().size(), 3U);
  EXPECT_TRUE(s.server().records().empty());
  http_request(s.port(), "GET", "/add?name=r&delay=0");
  const auto second = http_request(s.port(), "GET", "/add?flush=True");
  EXPECT_EQ(boost::json::parse(second.body).as_object().at("r").as_array().size(), 1U);
  EXPECT_EQ(second.body, read_file(s.server().options().metrics_file));
}

TEST(serve_records, a_name_over_256_bytes_is_400_with_the_reason) {
  running_server s;
  const auto reply = http_request(s.port(), "GET", "/add?name=" + std::string(257, 'n') + "&delay=0");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("256 bytes"), std::string::npos) << reply.body;
  EXPECT_EQ(http_request(s.port(), "GET", "/add?name=" + std::string(256, 'n') + "&delay=0").status, 200);
  EXPECT_TRUE(s.server().records().contains(std::string(256, 'n')));
}

TEST(serve_records, invalid_utf8_in_names_and_bodies_still_gives_valid_json) {
  running_server s;
  EXPECT_EQ(http_request(s.port(), "GET", "/add?name=%C0%AF&delay=0").status, 200);
  EXPECT_EQ(http_request(s.port(), "GET", "/add?name=ok%E2%82%AC&delay=0").status, 200);
  const auto posted = http_request(s.port(), "POST", "/add", "\xff\xfe");
  ASSERT_EQ(posted.status, 200);
  // Boost.JSON's parser refuses invalid UTF-8, as Python's json does.
  EXPECT_EQ(boost::json::parse(posted.body).as_object().at("result").as_string(), "\xEF\xBF\xBD\xEF\xBF\xBD");
  const auto flushed = http_request(s.port(), "GET", "/add?flush=True");
  const auto records = boost::json::parse(read_file(s.server().options().metrics_file)).as_object();
  EXPECT_TRUE(records.contains("\xEF\xBF\xBD\xEF\xBF\xBD")) << flushed.body; // U+FFFD for each invalid byte
  EXPECT_TRUE(records.contains("ok\xE2\x82\xAC"));                           // valid UTF-8 kept as it is
}

TEST(serve_records, a_large_flush_does_not_stall_other_connections) {
  running_server s;
  constexpr int records = 60'000;
  { // many records, fast: pipelined on one connection
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), s.port()});
    std::string batch;
    for (int i = 0; i < records; ++i) {
      batch += "GET /add?name=n" + std::to_string(i % 100) + "&delay=0 HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    std::thread writer([&] { asio::write(socket, asio::buffer(batch)); });
    const std::string one = "HTTP/1.1 200 OK\r\nServer: overlap\r\nContent-Type: text/html; charset=UTF-8\r\n"
                            "Content-Length: 1\r\n\r\n.";
    std::string answers(one.size() * records, '\0');
    asio::read(socket, asio::buffer(answers));
    writer.join();
  }
  ASSERT_EQ(s.server().records().at("n7").size(), records / 100U);

  std::atomic<bool> flushing{true};
  std::vector<steady::time_point> answered;
  std::thread other([&] {
    http_connection conn(s.port());
    while (flushing) {
      EXPECT_EQ(conn.request("GET", "/metrics").status, 200);
      answered.push_back(steady::now());
    }
  });
  std::this_thread::sleep_for(20ms); // the other connection is being served
  const auto sent = steady::now();
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), s.port()});
  asio::write(socket,
              asio::buffer(std::string("GET /add?flush=True HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  char first_byte = 0;
  asio::read(socket, asio::buffer(&first_byte, 1));
  const auto first_byte_at = steady::now();
  std::string rest;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(rest), ec);
  flushing = false;
  other.join();
  const auto meanwhile =
      std::count_if(answered.begin(), answered.end(), [&](auto t) { return t > sent && t < first_byte_at; });
  const auto body = rest.substr(rest.find("\r\n\r\n") + 4);
  EXPECT_EQ(boost::json::parse(body).as_object().at("n7").as_array().size(), records / 100U);
  std::printf("flush of %d records: first byte after %.1f ms; meanwhile %ld other requests answered\n", records,
              std::chrono::duration<double, std::milli>(first_byte_at - sent).count(), static_cast<long>(meanwhile));
  // Built on the event loop, the flush would let no other request through until it is sent.
  EXPECT_GE(meanwhile, 3);
}
