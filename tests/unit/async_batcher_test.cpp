#include "overlap/async_batcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "support/run_coroutine.hpp"

#include <stdexcept>

namespace asio = boost::asio;
using overlap::async_batcher;
using overlap::batch_flush;
using overlap::with_batcher;
using overlap::test::run_coroutine;

namespace {

batch_flush<int> record_into(std::vector<std::vector<int>>& batches) {
  return [&batches](std::vector<int> batch) -> asio::awaitable<void> {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    batches.push_back(std::move(batch));
  };
}

} // namespace

TEST(async_batcher, flushes_when_full_and_the_remainder_at_the_end) {
  asio::io_context ioc;
  std::vector<std::vector<int>> batches;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    co_await with_batcher<int>(co_await asio::this_coro::executor, 3, record_into(batches),
                               [](async_batcher<int>& b) -> asio::awaitable<void> {
                                 for (int i = 0; i < 7; ++i) {
                                   co_await b.add(i);
                                 }
                               });
  });
  EXPECT_EQ(batches, (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}, {6}}));
}

TEST(async_batcher, add_waits_for_the_flush_it_triggers) {
  asio::io_context ioc;
  std::vector<std::vector<int>> batches;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    async_batcher<int> b(co_await asio::this_coro::executor, 2, record_into(batches));
    co_await b.add(1);
    EXPECT_TRUE(batches.empty());
    co_await b.add(2);
    EXPECT_EQ(batches.size(), 1U) << "add returned before its batch was sent";
    EXPECT_EQ(b.flushes(), 1U);
  });
}

TEST(async_batcher, the_remainder_is_flushed_when_the_body_throws) {
  asio::io_context ioc;
  std::vector<std::vector<int>> batches;
  EXPECT_THROW(run_coroutine(ioc,
                             [&]() -> asio::awaitable<void> {
                               co_await with_batcher<int>(co_await asio::this_coro::executor, 10, record_into(batches),
                                                          [](async_batcher<int>& b) -> asio::awaitable<void> {
                                                            co_await b.add(1);
                                                            co_await b.add(2);
                                                            throw std::runtime_error("hashing failed");
                                                          });
                             }),
               std::runtime_error);
  EXPECT_EQ(batches, (std::vector<std::vector<int>>{{1, 2}}));
}

TEST(async_batcher, a_batcher_destroyed_with_items_still_sends_them) {
  asio::io_context ioc;
  std::vector<std::vector<int>> batches;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    async_batcher<int> b(co_await asio::this_coro::executor, 10, record_into(batches));
    co_await b.add(5);
  });
  EXPECT_EQ(batches, (std::vector<std::vector<int>>{{5}}));
}
