#include "overlap/as_completed.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>

#include "support/run_coroutine.hpp"

#include <stdexcept>
#include <vector>

namespace asio = boost::asio;
using overlap::as_completed;
using overlap::test::run_coroutine;

namespace {

// A gate the test opens by hand, so completion order is chosen, not left to timers.
asio::awaitable<int> when_opened(asio::steady_timer& gate, int id) {
  co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
  if (id < 0) {
    throw std::runtime_error("task failed");
  }
  co_return id;
}

} // namespace

TEST(as_completed, results_come_in_completion_order) {
  asio::io_context ioc;
  std::vector<int> order;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::unique_ptr<asio::steady_timer>> gates;
    as_completed<int> results(ex);
    for (int id = 0; id < 3; ++id) {
      gates.push_back(std::make_unique<asio::steady_timer>(ex, asio::steady_timer::time_point::max()));
      results.add(when_opened(*gates.back(), id));
    }
    for (int id : {2, 0, 1}) {
      gates[static_cast<std::size_t>(id)]->cancel();
      auto r = co_await results.next();
      order.push_back(r.value());
    }
    EXPECT_FALSE(co_await results.next());
  });
  EXPECT_EQ(order, (std::vector<int>{2, 0, 1}));
}

TEST(as_completed, a_failure_is_rethrown_at_its_turn_and_the_rest_still_arrive) {
  asio::io_context ioc;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer gate(ex, asio::steady_timer::time_point::max());
    as_completed<int> results(ex);
    results.add(when_opened(gate, -1));
    results.add(when_opened(gate, 7));
    gate.cancel();
    int seen = 0;
    int failed = 0;
    for (int i = 0; i < 2; ++i) {
      try {
        seen += (co_await results.next()).value();
      } catch (const std::runtime_error&) {
        ++failed;
      }
    }
    EXPECT_EQ(seen, 7);
    EXPECT_EQ(failed, 1);
    EXPECT_EQ(results.outstanding(), 0U);
  });
}

TEST(as_completed, an_empty_set_has_nothing_next) {
  asio::io_context ioc;
  run_coroutine(ioc, [&]() -> asio::awaitable<void> {
    as_completed<int> results(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await results.next());
  });
}
