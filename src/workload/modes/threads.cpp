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

boost::asio::awaitable<void> save_when_admitted(run_context& ctx, async_semaphore& in_flight, std::size_t index,
                                                std::string result) {
  if (!in_flight.try_acquire()) {
    co_await in_flight.async_acquire(boost::asio::use_awaitable);
  }
  semaphore_permit permit(in_flight);
  co_await ctx.save_task(index, result);
}

/// Loop-side state: touched only on the event loop's thread.
struct handoff {
  std::size_t received = 0;
  boost::asio::steady_timer all_received; // never expires; cancelled when the last result arrives
  std::exception_ptr worker_failure;
};

} // namespace

boost::asio::awaitable<void> run_threads(run_context& ctx) {
  auto executor = co_await boost::asio::this_coro::executor;
  const auto n = ctx.options.n;
  const unsigned workers =
      ctx.options.workers == 0 ? std::max(1U, std::thread::hardware_concurrency()) : ctx.options.workers;
  async_semaphore in_flight(executor, ctx.options.concurrency);
  task_group saves(executor);
  handoff loop_side{0, boost::asio::steady_timer(executor, boost::asio::steady_timer::time_point::max()), nullptr};
  std::atomic<std::size_t> next_task{0};

  auto deliver = [&](std::size_t index, std::string result, std::exception_ptr failure) {
    boost::asio::post(executor, [&, index, result = std::move(result), failure]() mutable {
      if (failure && !loop_side.worker_failure) {
        loop_side.worker_failure = failure;
      } else if (!failure) {
        saves.spawn(save_when_admitted(ctx, in_flight, index, std::move(result)));
      }
      if (++loop_side.received == n) {
        loop_side.all_received.cancel();
      }
    });
  };

  std::vector<std::jthread> hashers;
  for (unsigned w = 0; w < workers; ++w) {
    hashers.emplace_back([&] {
      std::mt19937_64 rng(std::random_device{}());
      for (auto i = next_task.fetch_add(1); i < n; i = next_task.fetch_add(1)) {
        try {
          const auto password = random_letters(rng);
          const auto start = steady::now();
          auto hashed = bcrypt_hash(password, ctx.options.difficulty);
          ctx.timeline.cpu(i, start, steady::now());
          deliver(i, std::move(hashed), nullptr);
        } catch (...) {
          deliver(i, {}, std::current_exception());
        }
      }
    });
  }
  while (loop_side.received < n) {
    co_await loop_side.all_received.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  hashers.clear(); // joins: every worker has handed over its last result
  co_await saves.wait();
  if (loop_side.worker_failure) {
    std::rethrow_exception(loop_side.worker_failure);
  }
}

} // namespace overlap::workload
