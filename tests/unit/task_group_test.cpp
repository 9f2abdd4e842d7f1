#include "overlap/task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "support/run_coroutine.hpp"

#include <memory>
#include <stdexcept>
#include <type_traits>

namespace asio = boost::asio;
using overlap::task_group;
using overlap::with_task_group;
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

/// Sleeps for an hour, counting itself in `alive` while it runs and touching `owned`
/// (which its starter's scope owns) once it is woken.
asio::awaitable<void> sleep_long_touching(int& alive, std::vector<int>& owned) {
  ++alive;
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  owned.push_back(ec ? 1 : 0);
  --alive;
}

} // namespace

TEST(task_group, can_only_be_made_by_with_task_group) {
  // A group made elsewhere could be destroyed while its tasks still run.
  EXPECT_FALSE((std::is_constructible_v<task_group, asio::any_io_executor>));
}

TEST(task_group, waits_for_every_task) {
  int done = 0;
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await with_task_group(co_await asio::this_coro::executor, [&done](task_group& group) -> asio::awaitable<void> {
      for (int i = 0; i < 10; ++i) {
        group.spawn(sleep_then_count(std::chrono::milliseconds(i), done));
      }
      EXPECT_EQ(group.running(), 10U);
      co_await group.wait();
      EXPECT_EQ(group.running(), 0U);
    });
  });
  EXPECT_EQ(done, 10);
}

TEST(task_group, the_scope_waits_for_tasks_the_body_did_not_wait_for) {
  int done = 0;
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await with_task_group(co_await asio::this_coro::executor, [&done](task_group& group) -> asio::awaitable<void> {
      for (int i = 0; i < 3; ++i) {
        group.spawn(sleep_then_count(std::chrono::milliseconds(5), done));
      }
      co_return;
    });
    EXPECT_EQ(done, 3) << "the scope ended before its tasks";
  });
}

TEST(task_group, a_spawned_task_does_not_run_until_the_caller_suspends) {
  int done = 0;
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await with_task_group(co_await asio::this_coro::executor, [&done](task_group& group) -> asio::awaitable<void> {
      group.spawn(sleep_then_count(0ms, done));
      EXPECT_EQ(done, 0);
      co_await group.wait();
      EXPECT_EQ(done, 1);
    });
  });
}

TEST(task_group, keeps_every_failure_and_rethrows_the_first_after_all_finished) {
  int slow_done = 0;
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await with_task_group(co_await asio::this_coro::executor,
                             [&slow_done](task_group& group) -> asio::awaitable<void> {
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
  });
}

TEST(task_group, the_scope_rethrows_a_task_failure_the_body_did_not_see) {
  EXPECT_THROW(run_coroutine([]() -> asio::awaitable<void> {
                 co_await with_task_group(co_await asio::this_coro::executor,
                                          [](task_group& group) -> asio::awaitable<void> {
                                            group.spawn(fail_with("unseen"));
                                            co_return;
                                          });
               }),
               std::runtime_error);
}

TEST(task_group, cancel_stops_running_tasks) {
  int done = 0;
  run_coroutine([&]() -> asio::awaitable<void> {
    co_await with_task_group(co_await asio::this_coro::executor, [&done](task_group& group) -> asio::awaitable<void> {
      for (int i = 0; i < 3; ++i) {
        group.spawn(sleep_then_count(std::chrono::hours(1), done));
      }
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable); // let them start
      group.cancel();
      EXPECT_THROW(co_await group.wait(), boost::system::system_error);
      EXPECT_EQ(group.failures().size(), 3U);
    });
  });
  EXPECT_EQ(done, 0);
}

// The body throws between spawning and waiting: the tasks are cancelled and have all
// ended, without touching freed memory, before the exception reaches the caller.
TEST(task_group, a_body_that_throws_cancels_and_joins_its_tasks_before_the_exception_leaves) {
  int alive = 0;
  int alive_when_caught = -1;
  std::vector<int> woken;
  run_coroutine([&]() -> asio::awaitable<void> {
    auto owned = std::make_unique<std::vector<int>>(); // freed as soon as the scope is left
    try {
      co_await with_task_group(co_await asio::this_coro::executor,
                               [&alive, &owned](task_group& group) -> asio::awaitable<void> {
                                 for (int i = 0; i < 3; ++i) {
                                   group.spawn(sleep_long_touching(alive, *owned));
                                 }
                                 co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
                                 throw std::runtime_error("hashing failed");
                               });
      ADD_FAILURE() << "the body's exception was lost";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "hashing failed");
      alive_when_caught = alive;
    }
    woken = std::move(*owned);
    owned.reset();
  });
  EXPECT_EQ(alive_when_caught, 0) << "tasks outlived their scope";
  EXPECT_EQ(woken, (std::vector<int>{1, 1, 1})) << "each task was cancelled, then ended";
}

// A cancelled caller: the scope passes the cancellation on to its tasks and still
// waits for them before it ends.
TEST(task_group, a_cancelled_scope_cancels_its_tasks_and_still_joins_them) {
  asio::io_context ioc;
  int alive = 0;
  int alive_at_end = -1;
  std::vector<int> woken;
  asio::cancellation_signal stop;
  std::exception_ptr failure;
  auto scope = [](int& alive, std::vector<int>& woken) -> asio::awaitable<void> {
    co_await with_task_group(co_await asio::this_coro::executor, [&alive, &woken](task_group& group) {
      group.spawn(sleep_long_touching(alive, woken));
      group.spawn(sleep_long_touching(alive, woken));
      return group.wait();
    });
  };
  asio::co_spawn(ioc, scope(alive, woken), asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e) {
                   failure = std::move(e);
                   alive_at_end = alive;
                 }));
  for (int steps = 0; steps < 1000 && alive < 2 && ioc.run_one() > 0; ++steps) {
  }
  ASSERT_EQ(alive, 2);
  stop.emit(asio::cancellation_type::terminal);
  ioc.run();
  EXPECT_TRUE(failure);
  EXPECT_EQ(alive_at_end, 0) << "the scope ended before its tasks";
  EXPECT_EQ(woken, (std::vector<int>{1, 1}));
}

// The one way left to destroy a group with running tasks, destroying its loop in the
// middle of the scope, is loud in every build rather than a use after free.
TEST(task_group_death, a_group_destroyed_with_running_tasks_aborts_with_a_message) {
  auto destroy_the_loop_mid_scope = [] {
    int alive = 0;
    std::vector<int> woken;
    asio::io_context ioc;
    auto scope = [](int& alive, std::vector<int>& woken) -> asio::awaitable<void> {
      co_await with_task_group(co_await asio::this_coro::executor, [&alive, &woken](task_group& group) {
        group.spawn(sleep_long_touching(alive, woken));
        return group.wait();
      });
    };
    asio::co_spawn(ioc, scope(alive, woken), [](const std::exception_ptr&) {});
    for (int steps = 0; steps < 1000 && alive < 1 && ioc.run_one() > 0; ++steps) {
    }
  };
  EXPECT_DEATH(destroy_the_loop_mid_scope(), "task_group was destroyed with 1 running task");
}
