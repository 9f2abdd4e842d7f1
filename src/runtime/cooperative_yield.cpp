#include "overlap/cooperative_yield.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace overlap {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

cooperative_yield::cooperative_yield(steady::duration budget) : budget_(budget), last_(steady::now()) {}

asio::awaitable<bool> cooperative_yield::maybe_yield() {
  if (steady::now() - last_ < budget_) {
    co_return false;
  }
  co_await yield_now();
  co_return true;
}

asio::awaitable<void> cooperative_yield::yield_now() {
  // A post puts this coroutine at the back of the ready queue, behind the reactor's
  // turn: completions of pending I/O run before it resumes.
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  last_ = steady::now();
  ++yields_;
}

} // namespace overlap
