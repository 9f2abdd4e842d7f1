// serial: save each result and wait for the answer before computing the next. The CPU
// idles through every save: the book's 71 s against 9.4 s of hashing.
#include "workload/run_context.hpp"

namespace overlap::workload {

boost::asio::awaitable<void> run_serial(run_context& ctx) {
  for (std::size_t i = 0; ctx.may_start(i); ++i) {
    auto hashed = ctx.hash_task(i);
    co_await ctx.save_task(i, std::move(hashed));
  }
}

} // namespace overlap::workload
