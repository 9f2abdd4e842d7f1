#pragma once
// Iterate as completed: the book's asyncio.as_completed and gevent's iwait. Results
// come back in the order their tasks finish, not the order they were started.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cassert>
#include <deque>
#include <exception>
#include <optional>
#include <utility>

namespace overlap {

/// Starts tasks producing a T (default-constructible) and hands their results back in
/// completion order. `next` returns the next finished result (rethrowing that task's
/// exception, if it failed) or nothing once every added task has been taken.
/// Not thread-safe: use it from its executor's thread. Drain it (until `next` returns
/// nothing) before destroying it.
template <typename T> class as_completed {
public:
  explicit as_completed(boost::asio::any_io_executor executor)
      : executor_(std::move(executor)), ready_signal_(executor_, boost::asio::steady_timer::time_point::max()) {}
  as_completed(const as_completed&) = delete;
  as_completed& operator=(const as_completed&) = delete;
  ~as_completed() { assert(outstanding_ == 0 && "as_completed destroyed before all results were taken"); }

  /// Starts `task` at once.
  void add(boost::asio::awaitable<T> task) {
    ++outstanding_;
    boost::asio::co_spawn(executor_, std::move(task), [this](std::exception_ptr failure, T value) {
      ready_.emplace_back(std::move(failure), std::move(value));
      ready_signal_.cancel();
    });
  }

  /// The next finished result, or nothing when all have been taken.
  boost::asio::awaitable<std::optional<T>> next() {
    while (ready_.empty() && outstanding_ > 0) {
      co_await ready_signal_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    if (ready_.empty()) {
      co_return std::nullopt;
    }
    auto [failure, value] = std::move(ready_.front());
    ready_.pop_front();
    --outstanding_;
    if (failure) {
      std::rethrow_exception(failure);
    }
    co_return std::optional<T>(std::move(value));
  }

  /// Tasks added and not yet taken by `next`.
  std::size_t outstanding() const noexcept { return outstanding_; }

private:
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer ready_signal_; // never expires; cancelled when a result is ready
  std::deque<std::pair<std::exception_ptr, T>> ready_;
  std::size_t outstanding_ = 0;
};

} // namespace overlap
