#include "overlap/task_group.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "support/run_coroutine.hpp"

#include <stdexcept>

namespace asio = boost::asio;
using overlap::task_group;
using namespace std::chrono_literals;
using overlap::test::run_coroutine;

namespace {

asio::awaitable<void> sleep_then_count(std::chrono::milliseconds d, int& done) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
  ++done;
}

asio::awaitable<void> fail_with(const char* what) {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  throw std::runtime_error(what);
}

} // namespace

TEST(task_group, waits_for_every_task) {
  asio::io_context ioc;
  int done = 0;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    task_group group(co_await asio::this_coro::executor);
    for (int i = 0; i < 10; ++i) {
      group.spawn(sleep_then_count(std::chrono::milliseconds(i), done));
    }
    EXPECT_EQ(group.running(), 10U);
    co_await group.wait();
    EXPECT_EQ(group.running(), 0U);
  });
  EXPECT_EQ(done, 10);
}

TEST(task_group, a_spawned_task_does_not_run_until_the_caller_suspends) {
  asio::io_context ioc;
  int done = 0;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    task_group group(co_await asio::this_coro::executor);
    group.spawn(sleep_then_count(0ms, done));
    EXPECT_EQ(done, 0);
    co_await group.wait();
    EXPECT_EQ(done, 1);
  });
}

TEST(task_group, keeps_every_failure_and_rethrows_the_first_after_all_finished) {
  asio::io_context ioc;
  int slow_done = 0;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    task_group group(co_await asio::this_coro::executor);
    group.spawn(fail_with("first"));
    group.spawn(sleep_then_count(20ms, slow_done));
    group.spawn(fail_with("second"));
    try {
      co_await group.wait();
      ADD_FAILURE() << "wait did not rethrow";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "first");
    }
    EXPECT_EQ(slow_done, 1) << "wait returned before every task finished";
    EXPECT_EQ(group.failures().size(), 2U);
    co_await group.wait(); // the same failure is not rethrown twice
  });
}

TEST(task_group, cancel_stops_running_tasks) {
  asio::io_context ioc;
  int done = 0;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    task_group group(co_await asio::this_coro::executor);
    for (int i = 0; i < 3; ++i) {
      group.spawn(sleep_then_count(std::chrono::hours(1), done));
    }
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable); // let them start
    group.cancel();
    EXPECT_THROW(co_await group.wait(), boost::system::system_error);
    EXPECT_EQ(group.failures().size(), 3U);
  });
  EXPECT_EQ(done, 0);
}
