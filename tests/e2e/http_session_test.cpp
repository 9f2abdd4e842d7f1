// http_session against the real delay server: keep-alive, the connection cap, POST
// with headers, and failures as values.
#include "overlap/http_session.hpp"

#include "support/fault_server.hpp"
#include "support/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

http_session_options options_for(std::uint16_t port, std::size_t max_connections) {
  http_session_options o;
  o.port = port;
  o.max_connections = max_connections;
  o.timeout = 5s;
  return o;
}

/// Runs `make()` (a coroutine) on a fresh loop and returns its result.
template <typename F> auto run(asio::io_context& ctx, F make) {
  auto future = asio::co_spawn(ctx, make(), asio::use_future);
  ctx.run();
  return future.get();
}

asio::awaitable<std::vector<http_response>> get_sequentially(http_session& s, std::string target, int count) {
  std::vector<http_response> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(co_await s.get(target + std::to_string(i)));
  }
  s.close(); // the loop runs dry now, not when the idle connection's watchdog wakes
  co_return out;
}

asio::awaitable<void> get_one(http_session& s, std::string target, std::vector<http_response>& out,
                              std::size_t expected) {
  out.push_back(co_await s.get(target));
  if (out.size() == expected) {
    s.close();
  }
}

asio::awaitable<http_response> post_one(http_session& s, std::span<const http_header> headers) {
  auto response = co_await s.post("/add", "hash-42", headers);
  s.close();
  co_return response;
}

asio::awaitable<http_response> get_and_close(http_session& s, std::string target) {
  auto response = co_await s.get(target);
  s.close();
  co_return response;
}

} // namespace

TEST(http_session, reuses_one_connection_for_sequential_requests) {
  running_server server;
  asio::io_context ctx;
  http_session session(ctx.get_executor(), options_for(server.port(), 4));
  const auto responses = run(ctx, [&] { return get_sequentially(session, "/add?name=seq&delay=1&i=", 5); });
  ASSERT_EQ(responses.size(), 5u);
  for (const auto& r : responses) {
    EXPECT_TRUE(r.succeeded());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, ".");
  }
  EXPECT_EQ(session.connections_opened(), 1u);
  EXPECT_EQ(session.idle_connections(), 0u) << "closed";
}

TEST(http_session, never_opens_more_than_max_connections) {
  running_server server;
  asio::io_context ctx;
  http_session session(ctx.get_executor(), options_for(server.port(), 3));
  std::vector<http_response> out;
  for (int i = 0; i < 12; ++i) {
    asio::co_spawn(ctx, get_one(session, "/add?name=cap&delay=20&i=" + std::to_string(i), out, 12),
                   [](const std::exception_ptr& e) {
                     if (e) {
                       std::rethrow_exception(e);
                     }
                   });
  }
  ctx.run();
  ASSERT_EQ(out.size(), 12u);
  for (const auto& r : out) {
    EXPECT_TRUE(r.succeeded());
  }
  EXPECT_EQ(session.connections_opened(), 3u);
  EXPECT_EQ(server.server().records()["cap"].size(), 12u);
}

TEST(http_session, posts_a_body_with_extra_headers) {
  running_server server;
  asio::io_context ctx;
  http_session session(ctx.get_executor(), options_for(server.port(), 1));
  const std::array headers{http_header{"Idempotency-Key", "k-1"}, http_header{"Content-Type", "text/plain"}};
  const auto r = run(ctx, [&] { return post_one(session, headers); });
  ASSERT_TRUE(r.succeeded()) << r.status;
  EXPECT_EQ(r.body, R"({"result": "hash-42", "t": 0.5})");
}

TEST(http_session, reports_a_timeout_as_a_value) {
  running_server server;
  asio::io_context ctx;
  auto o = options_for(server.port(), 1);
  o.timeout = 50ms;
  http_session session(ctx.get_executor(), o);
  const auto started = std::chrono::steady_clock::now();
  const auto r = run(ctx, [&] { return session.get("/add?name=late&delay=1000"); });
  std::printf("  timed out after %.3f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  ASSERT_FALSE(r.completed());
  EXPECT_EQ(r.failure->kind, failure_kind::timeout);
  EXPECT_EQ(r.failure->phase, http_phase::read);
  EXPECT_EQ(session.open_connections(), 0u) << "a timed-out connection is not reused";
}

TEST(http_session, reports_a_refused_connection_as_a_value) {
  asio::io_context ctx;
  asio::ip::tcp::acceptor closed(ctx);
  closed.open(asio::ip::tcp::v4());
  closed.bind({asio::ip::make_address("127.0.0.1"), 0});
  http_session session(ctx.get_executor(), options_for(closed.local_endpoint().port(), 1));
  const auto r = run(ctx, [&] { return session.get("/"); });
  ASSERT_FALSE(r.completed());
  EXPECT_EQ(r.failure->kind, failure_kind::refused);
  EXPECT_EQ(r.failure->phase, http_phase::connect);
}

TEST(http_session, passes_a_non_2xx_status_through) {
  running_server server;
  asio::io_context ctx;
  http_session session(ctx.get_executor(), options_for(server.port(), 1));
  const auto r = run(ctx, [&] { return get_and_close(session, "/add?name=x&delay=notanumber"); });
  EXPECT_TRUE(r.completed());
  EXPECT_FALSE(r.succeeded());
  EXPECT_EQ(r.status, 400);
}

TEST(http_session, skips_interim_answers_on_a_kept_alive_connection) {
  fault_server server(fault_style::interim_then_ok);
  asio::io_context ctx;
  http_session session(ctx.get_executor(), options_for(server.port(), 1));
  const auto responses = run(ctx, [&] { return get_sequentially(session, "/interim?", 3); });
  ASSERT_EQ(responses.size(), 3u);
  for (const auto& r : responses) {
    EXPECT_TRUE(r.succeeded());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, ".");
  }
  EXPECT_EQ(session.connections_opened(), 1u) << "each answer read whole, none left for the next request";
}

TEST(http_session, passes_retry_after_through_with_the_status) {
  fault_server server(fault_style::busy_then_ok);
  asio::io_context ctx;
  http_session session(ctx.get_executor(), options_for(server.port(), 1));
  const auto r = run(ctx, [&] { return get_and_close(session, "/busy"); });
  EXPECT_TRUE(r.completed());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.retry_after, 1000ms);
}
