// threads: past the book, which stops at one core. Worker threads hash; every result
// is handed to the one event loop, which saves it (at most `concurrency` in flight).
// The CPU work uses every core while the loop alone does all the I/O.
#include "workload/run_context.hpp"

#include "overlap/async_semaphore.hpp"
#include "overlap/task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <thread>

namespace overlap::workload {

namespace {

// `ctx` outlives the run; `in_flight` outlives the task group that runs this.
boost::asio::awaitable<void> save_when_admitted(run_context& ctx, async_semaphore& in_flight, std::size_t index,
                                                std::string result) {
  if (!in_flight.try_acquire()) {
    co_await in_flight.async_acquire(boost::asio::use_awaitable);
  }
  semaphore_permit permit(in_flight);
  co_await ctx.save_task(index, std::move(result));
}

/// Loop-side state: touched only on the event loop's thread.
struct handoff {
  unsigned workers_left = 0;
  boost::asio::steady_timer all_received; // never expires; cancelled when the last worker is done
  std::exception_ptr worker_failure;
};

/// Hashes on `workers` threads; the loop starts each result's save in `saves` as it
/// arrives. Ends only once every result has been handed over and the workers joined:
/// the hand-overs posted to the loop refer to this frame, so a cancellation does not
/// end it early (the workers cannot be stopped mid-hash anyway; the saves are cancelled
/// by the group's scope).
boost::asio::awaitable<void> hash_and_hand_over(run_context& ctx, unsigned workers, async_semaphore& in_flight,
                                                task_group& saves) {
  auto executor = co_await boost::asio::this_coro::executor;
  handoff loop_side{workers, boost::asio::steady_timer(executor, boost::asio::steady_timer::time_point::max()),
                    nullptr};
  std::atomic<std::size_t> next_task{0};
  auto deliver = [&](std::size_t index, std::string result, std::exception_ptr failure) {
    boost::asio::post(executor, [&, index, result = std::move(result), failure]() mutable {
      if (failure && !loop_side.worker_failure) {
        loop_side.worker_failure = failure;
      } else if (!failure) {
        saves.spawn(save_when_admitted(ctx, in_flight, index, std::move(result)));
      }
    });
  };
  // Posted by a worker after its last result, so it runs after that result's handler.
  auto worker_done = [&] {
    boost::asio::post(executor, [&] {
      if (--loop_side.workers_left == 0) {
        loop_side.all_received.cancel();
      }
    });
  };
  {
    std::vector<std::jthread> hashers;
    for (unsigned w = 0; w < workers; ++w) {
      hashers.emplace_back([&] {
        std::mt19937_64 rng(std::random_device{}());
        for (auto i = next_task.fetch_add(1); ctx.may_start(i); i = next_task.fetch_add(1)) {
          try {
            const auto password = random_letters(rng);
            const auto start = steady::now();
            auto hashed = bcrypt_hash(password, ctx.options.difficulty);
            ctx.timeline.cpu(i, start, steady::now());
            ctx.hashed_one();
            deliver(i, std::move(hashed), nullptr);
          } catch (...) {
            deliver(i, {}, std::current_exception());
          }
        }
        worker_done();
      });
    }
    const bool throwing = co_await boost::asio::this_coro::throw_if_cancelled();
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    while (loop_side.workers_left > 0) {
      co_await loop_side.all_received.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    co_await boost::asio::this_coro::throw_if_cancelled(throwing);
  } // joins: every worker has handed over its last result
  if (loop_side.worker_failure) {
    std::rethrow_exception(loop_side.worker_failure);
  }
}

} // namespace

boost::asio::awaitable<void> run_threads(run_context& ctx) {
  auto executor = co_await boost::asio::this_coro::executor;
  const unsigned workers =
      ctx.options.workers == 0 ? std::max(1U, std::thread::hardware_concurrency()) : ctx.options.workers;
  async_semaphore in_flight(executor, ctx.options.concurrency);
  co_await with_task_group(executor, [&ctx, workers, &in_flight](task_group& saves) {
    return hash_and_hand_over(ctx, workers, in_flight, saves);
  });
}

} // namespace overlap::workload
