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

boost::asio::awaitable<void> save_one(run_context& ctx, finished_task task) {
  co_await ctx.save_task(task.index, task.result);
}

} // namespace

boost::asio::awaitable<void> run_batch(run_context& ctx) {
  auto executor = co_await boost::asio::this_coro::executor;
  batch_flush<finished_task> save_all = [&ctx](std::vector<finished_task> batch) -> boost::asio::awaitable<void> {
    task_group group(co_await boost::asio::this_coro::executor);
    for (auto& task : batch) {
      group.spawn(save_one(ctx, std::move(task)));
    }
    co_await group.wait();
  };
  co_await with_batcher<finished_task>(executor, ctx.options.batch_size, std::move(save_all),
                                       [&ctx](async_batcher<finished_task>& batcher) -> boost::asio::awaitable<void> {
                                         for (std::size_t i = 0; i < ctx.options.n; ++i) {
                                           // A named local, not a braced temporary inside the
                                           // co_await: g++ 12 destroys such a temporary twice.
                                           finished_task task{i, ctx.hash_task(i)};
                                           co_await batcher.add(std::move(task));
                                         }
                                       });
}

} // namespace overlap::workload
