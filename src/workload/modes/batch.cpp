// batch: the book's AsyncBatcher. Results queue up; a full batch is saved all at once
// and the CPU waits for it, so each batch costs one save's latency.
#include "workload/run_context.hpp"

#include "overlap/async_batcher.hpp"
#include "overlap/task_group.hpp"

#include <boost/asio/this_coro.hpp>

namespace overlap::workload {

namespace {

struct finished_task {
  std::size_t index;
  std::string result;
};

// `ctx` outlives the run; `batch` lives in save_batch's frame until every save ended.
boost::asio::awaitable<void> save_one(run_context& ctx, finished_task task) {
  co_await ctx.save_task(task.index, std::move(task.result));
}

boost::asio::awaitable<void> start_saves(run_context& ctx, std::vector<finished_task>& batch, task_group& group) {
  for (auto& task : batch) {
    group.spawn(save_one(ctx, std::move(task)));
  }
  co_return;
}

boost::asio::awaitable<void> save_batch(run_context& ctx, std::vector<finished_task> batch) {
  co_await with_task_group(co_await boost::asio::this_coro::executor,
                           [&ctx, &batch](task_group& group) { return start_saves(ctx, batch, group); });
}

boost::asio::awaitable<void> hash_into(run_context& ctx, async_batcher<finished_task>& batcher) {
  for (std::size_t i = 0; ctx.may_start(i); ++i) {
    // A named local, not a braced temporary inside the co_await: g++ 12 destroys such
    // a temporary twice.
    finished_task task{i, ctx.hash_task(i)};
    co_await batcher.add(std::move(task));
  }
}

} // namespace

boost::asio::awaitable<void> run_batch(run_context& ctx) {
  // Plain lambdas that return coroutines: no coroutine lambda holds a capture.
  batch_flush<finished_task> save_all = [&ctx](std::vector<finished_task> batch) {
    return save_batch(ctx, std::move(batch));
  };
  co_await with_batcher<finished_task>(
      ctx.options.batch_size, std::move(save_all),
      [&ctx](async_batcher<finished_task>& batcher) { return hash_into(ctx, batcher); });
}

} // namespace overlap::workload
