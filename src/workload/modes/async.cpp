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

// `ctx` outlives the run; the permit's semaphore outlives the task group that runs this.
boost::asio::awaitable<void> save_and_release(run_context& ctx, std::size_t index, std::string result,
                                              [[maybe_unused]] semaphore_permit permit) {
  co_await ctx.save_task(index, std::move(result));
}

boost::asio::awaitable<void> hash_and_start_saves(run_context& ctx, async_semaphore& in_flight, task_group& saves) {
  cooperative_yield yielder;
  for (std::size_t i = 0; ctx.may_start(i); ++i) {
    auto hashed = ctx.hash_task(i);
    if (!in_flight.try_acquire()) {
      co_await in_flight.async_acquire(boost::asio::use_awaitable);
    }
    saves.spawn(save_and_release(ctx, i, std::move(hashed), semaphore_permit(in_flight)));
    co_await yielder.yield_now(); // the book's `await asyncio.sleep(0)`
  }
}

} // namespace

boost::asio::awaitable<void> run_async(run_context& ctx) {
  auto executor = co_await boost::asio::this_coro::executor;
  async_semaphore in_flight(executor, ctx.options.concurrency);
  // The saves hold permits of `in_flight`: the scope ends them all before it goes,
  // also when hashing or a wait throws (the book's gather, structured).
  co_await with_task_group(
      executor, [&ctx, &in_flight](task_group& saves) { return hash_and_start_saves(ctx, in_flight, saves); });
}

} // namespace overlap::workload
