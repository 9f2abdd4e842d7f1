#include "overlap/async_batcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "support/run_coroutine.hpp"

#include <stdexcept>
#include <string>
#include <type_traits>

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
  std::vector<std::vector<int>> batches;
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await with_batcher<int>(3, record_into(batches), [](async_batcher<int>& b) -> asio::awaitable<void> {
      for (int i = 0; i < 7; ++i) {
        co_await b.add(i);
      }
    });
  });
  EXPECT_EQ(batches, (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}, {6}}));
}

TEST(async_batcher, add_waits_for_the_flush_it_triggers) {
  std::vector<std::vector<int>> batches;
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await with_batcher<int>(2, record_into(batches), [&batches](async_batcher<int>& b) -> asio::awaitable<void> {
      co_await b.add(1);
      EXPECT_TRUE(batches.empty());
      co_await b.add(2);
      EXPECT_EQ(batches.size(), 1U) << "add returned before its batch was sent";
      EXPECT_EQ(b.flushes(), 1U);
    });
  });
}

TEST(async_batcher, the_remainder_is_flushed_when_the_body_throws) {
  std::vector<std::vector<int>> batches;
  EXPECT_THROW(run_coroutine([&]() -> asio::awaitable<void> {
                 co_await with_batcher<int>(10, record_into(batches),
                                            [](async_batcher<int>& b) -> asio::awaitable<void> {
                                              co_await b.add(1);
                                              co_await b.add(2);
                                              throw std::runtime_error("hashing failed");
                                            });
               }),
               std::runtime_error);
  EXPECT_EQ(batches, (std::vector<std::vector<int>>{{1, 2}}));
}

TEST(async_batcher, can_only_be_made_by_with_batcher) {
  // A batcher made elsewhere could be destroyed with items queued, and sending them
  // from its destructor would outlive its flush function.
  EXPECT_FALSE((std::is_constructible_v<async_batcher<int>, std::size_t, batch_flush<int>>));
  EXPECT_FALSE((std::is_constructible_v<async_batcher<int>, asio::any_io_executor, std::size_t, batch_flush<int>>));
}

// The flush function's captures (here too big for std::function's inline buffer, so
// on the heap) are read after a suspension, in the last flush of the remainder.
TEST(async_batcher, a_capturing_flush_function_lives_through_the_last_flush) {
  std::vector<std::string> seen;
  run_coroutine([&]() -> asio::awaitable<void> {
    const std::string tag(100, 't');
    batch_flush<int> flush = [&seen, tag](std::vector<int>) -> asio::awaitable<void> {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      seen.push_back(tag);
    };
    co_await with_batcher<int>(10, std::move(flush), [](async_batcher<int>& b) { return b.add(5); });
  });
  EXPECT_EQ(seen, std::vector<std::string>{std::string(100, 't')});
}
