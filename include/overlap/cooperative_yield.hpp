#pragma once
// Cooperative yielding for CPU-bound loops on an event loop: the book's
// `await asyncio.sleep(0)`, and its rule of thumb of yielding every 50-100 ms.
#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace overlap {

/// Lets the event loop run whatever became ready (I/O completions, timers) while a
/// coroutine does CPU work, by re-queueing the coroutine behind them.
/// `yield_now` always yields; `maybe_yield` yields only once `budget` has passed since
/// the last yield, so a tight loop pays for the switch only every `budget`.
class cooperative_yield {
public:
  explicit cooperative_yield(std::chrono::steady_clock::duration budget = std::chrono::milliseconds(50));

  /// Yields if the budget is spent; true if it did.
  boost::asio::awaitable<bool> maybe_yield();

  /// Yields unconditionally.
  boost::asio::awaitable<void> yield_now();

  std::size_t yields() const noexcept { return yields_; }

private:
  std::chrono::steady_clock::duration budget_;
  std::chrono::steady_clock::time_point last_;
  std::size_t yields_ = 0;
};

} // namespace overlap
