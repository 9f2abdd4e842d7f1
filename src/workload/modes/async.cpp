// async: one event loop hashes and saves. Each save starts without waiting (at most
// `concurrency` in flight) and the loop yields after every hash, so pending saves make
// progress between hashes: the I/O hides behind the CPU work.
#include "workload/run_context.hpp"

#include "overlap/async_semaphore.hpp"
#include "overlap/cooperative_yield.hpp"
#include "overlap/task_group.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace overlap::workload {

namespace {

boost::asio::awaitable<void> save_and_release(run_context& ctx, std::size_t index, std::string result,
                                              [[maybe_unused]] semaphore_permit permit) {
  co_await ctx.save_task(index, result);
}

} // namespace

boost::asio::awaitable<void> run_async(run_context& ctx) {
  auto executor = co_await boost::asio::this_coro::executor;
  async_semaphore in_flight(executor, ctx.options.concurrency);
  task_group saves(executor);
  cooperative_yield yielder;
  for (std::size_t i = 0; i < ctx.options.n; ++i) {
    auto hashed = ctx.hash_task(i);
    if (!in_flight.try_acquire()) {
      co_await in_flight.async_acquire(boost::asio::use_awaitable);
    }
    saves.spawn(save_and_release(ctx, i, std::move(hashed), semaphore_permit(in_flight)));
    co_await yielder.yield_now(); // the book's `await asyncio.sleep(0)`
  }
  co_await saves.wait();
}

} // namespace overlap::workload
