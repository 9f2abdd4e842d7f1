#include "overlap/cooperative_yield.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>

#include "support/run_coroutine.hpp"

namespace asio = boost::asio;
using overlap::cooperative_yield;
using overlap::test::run_coroutine;

TEST(cooperative_yield, yielding_lets_ready_work_run_first) {
  asio::io_context ioc;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    bool other_ran = false;
    asio::post(ioc, [&] { other_ran = true; });
    cooperative_yield yielder;
    EXPECT_FALSE(other_ran);
    co_await yielder.yield_now();
    EXPECT_TRUE(other_ran);
    EXPECT_EQ(yielder.yields(), 1U);
  });
}

TEST(cooperative_yield, maybe_yield_waits_until_the_budget_is_spent) {
  asio::io_context ioc;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    cooperative_yield patient(std::chrono::hours(1));
    EXPECT_FALSE(co_await patient.maybe_yield());
    cooperative_yield eager(std::chrono::nanoseconds(0));
    EXPECT_TRUE(co_await eager.maybe_yield());
    EXPECT_EQ(patient.yields(), 0U);
    EXPECT_EQ(eager.yields(), 1U);
  });
}
