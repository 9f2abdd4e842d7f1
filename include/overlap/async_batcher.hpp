#pragma once
// The book's AsyncBatcher: collect results and send them as one concurrent batch when
// the batch is full, and whatever is left when the scope ends, also on error.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

namespace overlap {

template <typename T> using batch_flush = std::function<boost::asio::awaitable<void>(std::vector<T>)>;

/// Queues items and hands them to `flush` in batches of `batch_size`. `add` awaits
/// the flush when it fills the batch, so the caller stalls while a batch is in flight
/// (the cost the book measures). Prefer `with_batcher`, which flushes the remainder
/// when its body ends, normally or by an exception. A batcher destroyed with items
/// still queued spawns their flush on its executor; a failure of that flush is
/// rethrown from the event loop's run(), never dropped.
template <typename T> class async_batcher {
public:
  async_batcher(boost::asio::any_io_executor executor, std::size_t batch_size, batch_flush<T> flush)
      : executor_(std::move(executor)), batch_size_(batch_size == 0 ? 1 : batch_size), flush_(std::move(flush)) {
    queue_.reserve(batch_size_);
  }
  async_batcher(const async_batcher&) = delete;
  async_batcher& operator=(const async_batcher&) = delete;

  ~async_batcher() {
    if (!queue_.empty()) {
      boost::asio::co_spawn(executor_, flush_(std::move(queue_)), [](const std::exception_ptr& failure) {
        if (failure) {
          std::rethrow_exception(failure);
        }
      });
    }
  }

  /// Queues `item`; when the batch is full, flushes it before returning.
  boost::asio::awaitable<void> add(T item) {
    queue_.push_back(std::move(item));
    if (queue_.size() >= batch_size_) {
      co_await flush();
    }
  }

  /// Sends whatever is queued (nothing if the queue is empty) and waits for it.
  boost::asio::awaitable<void> flush() {
    if (queue_.empty()) {
      co_return;
    }
    std::vector<T> batch;
    batch.swap(queue_);
    queue_.reserve(batch_size_);
    ++flushes_;
    co_await flush_(std::move(batch));
  }

  std::size_t queued() const noexcept { return queue_.size(); }
  std::size_t flushes() const noexcept { return flushes_; }

private:
  boost::asio::any_io_executor executor_;
  std::size_t batch_size_;
  batch_flush<T> flush_;
  std::vector<T> queue_;
  std::size_t flushes_ = 0;
};

/// Runs `body(batcher)` and then flushes what remains, also when the body throws (the
/// book's `async with AsyncBatcher(...)`); the body's exception is rethrown after the
/// flush. `body` is kept alive in this frame, so a capturing lambda is safe here.
template <typename T, typename Body>
boost::asio::awaitable<void> with_batcher(boost::asio::any_io_executor executor, std::size_t batch_size,
                                          batch_flush<T> flush, Body body) {
  async_batcher<T> batcher(std::move(executor), batch_size, std::move(flush));
  std::exception_ptr failure;
  try {
    co_await body(batcher);
  } catch (...) {
    failure = std::current_exception();
  }
  co_await batcher.flush();
  if (failure) {
    std::rethrow_exception(failure);
  }
}

} // namespace overlap
