#include "overlap/async_semaphore.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace asio = boost::asio;
using boost::system::error_code;
using overlap::async_semaphore;

namespace {

asio::awaitable<void> hold_for_a_while(async_semaphore& sem, int& holders, int& most_holders, int& finished) {
  co_await sem.async_acquire(asio::use_awaitable);
  overlap::semaphore_permit permit(sem);
  ++holders;
  most_holders = std::max(most_holders, holders);
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(asio::use_awaitable);
  --holders;
  ++finished;
}

void rethrow(const std::exception_ptr& e) {
  if (e) {
    std::rethrow_exception(e);
  }
}

} // namespace

TEST(async_semaphore, never_exceeds_its_count) {
  asio::io_context ioc;
  async_semaphore sem(ioc.get_executor(), 3);
  int holders = 0, most = 0, finished = 0;
  for (int i = 0; i < 50; ++i) {
    asio::co_spawn(ioc, hold_for_a_while(sem, holders, most, finished), rethrow);
  }
  ioc.run();
  EXPECT_EQ(finished, 50);
  EXPECT_EQ(most, 3);
  EXPECT_EQ(sem.available(), 3U);
}

TEST(async_semaphore, waiters_are_served_in_arrival_order) {
  asio::io_context ioc;
  async_semaphore sem(ioc.get_executor(), 0);
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) {
    sem.async_acquire([&order, i](error_code ec) {
      ASSERT_FALSE(ec);
      order.push_back(i);
    });
  }
  EXPECT_EQ(sem.waiting(), 5U);
  for (int i = 0; i < 5; ++i) {
    sem.release();
  }
  ioc.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(sem.available(), 0U);
}

TEST(async_semaphore, completion_is_never_inline) {
  asio::io_context ioc;
  async_semaphore sem(ioc.get_executor(), 1);
  bool done = false;
  sem.async_acquire([&done](error_code) { done = true; });
  EXPECT_FALSE(done);
  ioc.run();
  EXPECT_TRUE(done);
}

TEST(async_semaphore, try_acquire_fails_when_empty_and_release_refills) {
  asio::io_context ioc;
  async_semaphore sem(ioc.get_executor(), 1);
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_FALSE(sem.try_acquire());
  sem.release();
  EXPECT_TRUE(sem.try_acquire());
}

TEST(async_semaphore, a_cancelled_waiter_leaves_the_queue_and_holds_nothing) {
  asio::io_context ioc;
  async_semaphore sem(ioc.get_executor(), 0);
  asio::cancellation_signal signal;
  error_code first_result, second_result;
  sem.async_acquire(asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) { first_result = ec; }));
  sem.async_acquire([&](error_code ec) { second_result = ec; });
  signal.emit(asio::cancellation_type::terminal);
  EXPECT_EQ(sem.waiting(), 1U);
  sem.release(); // goes to the second waiter, not the cancelled one
  ioc.run();
  EXPECT_EQ(first_result, asio::error::operation_aborted);
  EXPECT_FALSE(second_result);
  EXPECT_EQ(sem.available(), 0U);
}

TEST(async_semaphore, destruction_aborts_waiters) {
  asio::io_context ioc;
  error_code result;
  {
    async_semaphore sem(ioc.get_executor(), 0);
    sem.async_acquire([&](error_code ec) { result = ec; });
  }
  ioc.run();
  EXPECT_EQ(result, asio::error::operation_aborted);
}

TEST(async_semaphore, release_from_another_thread_resumes_the_waiter_on_its_own_executor) {
  asio::io_context ioc;
  auto guard = asio::make_work_guard(ioc);
  async_semaphore sem(ioc.get_executor(), 0);
  std::thread::id resumed_on;
  sem.async_acquire(asio::bind_executor(ioc, [&](error_code) {
    resumed_on = std::this_thread::get_id();
    guard.reset();
  }));
  std::thread releaser([&] { sem.release(); });
  releaser.join();
  ioc.run();
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}
