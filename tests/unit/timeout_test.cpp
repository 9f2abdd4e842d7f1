#include "overlap/timeout.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "support/run_coroutine.hpp"

namespace asio = boost::asio;
using overlap::with_timeout;
using namespace std::chrono_literals;
using overlap::test::run_coroutine;

namespace {

asio::awaitable<int> answer_after(std::chrono::steady_clock::duration d, bool& cancelled) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  cancelled = ec == asio::error::operation_aborted;
  co_return 42;
}

asio::awaitable<void> nothing_after(std::chrono::steady_clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

} // namespace

TEST(timeout, an_operation_that_finishes_in_time_gives_its_result) {
  run_coroutine([]() -> asio::awaitable<void> {
    bool cancelled = false;
    auto r = co_await with_timeout(answer_after(0ms, cancelled), std::chrono::hours(1));
    EXPECT_EQ(r, 42);
    EXPECT_FALSE(cancelled);
  });
}

TEST(timeout, a_late_operation_is_cancelled_and_gives_nothing) {
  run_coroutine([]() -> asio::awaitable<void> {
    bool cancelled = false;
    auto r = co_await with_timeout(answer_after(std::chrono::hours(1), cancelled), 5ms);
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(cancelled) << "the operation was left running";
  });
}

TEST(timeout, an_operation_without_result_reports_whether_it_finished) {
  run_coroutine([]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await with_timeout(nothing_after(0ms), std::chrono::hours(1)));
    EXPECT_FALSE(co_await with_timeout(nothing_after(std::chrono::hours(1)), 5ms));
  });
}
