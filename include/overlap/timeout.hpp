#pragma once
// A deadline for any awaitable: the book's asyncio.wait_for, with the timeout as a value.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <type_traits>

namespace overlap {

/// Runs `operation` for at most `timeout`. If the time passes first, the operation is
/// cancelled (its pending asynchronous operation completes with operation_aborted and
/// it unwinds) and the result is empty: a timeout is an expected outcome, not an
/// exception. Failures of the operation itself propagate.
template <typename T>
boost::asio::awaitable<std::optional<T>> with_timeout(boost::asio::awaitable<T> operation,
                                                      std::chrono::steady_clock::duration timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, timeout);
  auto outcome = co_await (std::move(operation) || timer.async_wait(boost::asio::use_awaitable));
  if (outcome.index() == 0) {
    co_return std::optional<T>(std::move(std::get<0>(outcome)));
  }
  co_return std::nullopt;
}

/// The same for an operation without a result: false when it timed out.
inline boost::asio::awaitable<bool> with_timeout(boost::asio::awaitable<void> operation,
                                                 std::chrono::steady_clock::duration timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, timeout);
  auto outcome = co_await (std::move(operation) || timer.async_wait(boost::asio::use_awaitable));
  co_return outcome.index() == 0;
}

} // namespace overlap
