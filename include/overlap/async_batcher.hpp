#pragma once
// The book's AsyncBatcher: collect results and send them as one concurrent batch when
// the batch is full, and whatever is left when the scope ends, also on error.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

namespace overlap {

template <typename T> using batch_flush = std::function<boost::asio::awaitable<void>(std::vector<T>)>;

template <typename T, typename Body>
boost::asio::awaitable<void> with_batcher(std::size_t batch_size, batch_flush<T> flush, Body body);

/// Queues items and hands them to `flush` in batches of `batch_size`. `add` awaits
/// the flush when it fills the batch, so the caller stalls while a batch is in flight
/// (the cost the book measures).
/// A batcher exists only inside `with_batcher`, which sends the remainder while its
/// scope is alive, so every flush runs while `flush` (and what it captures) lives. The
/// destructor only releases: it starts no I/O. Items still queued when the loop is
/// destroyed in the middle of the scope (its frame destroyed, never resumed) are
/// dropped with it, as every pending operation of that loop is.
template <typename T> class async_batcher {
public:
  async_batcher(const async_batcher&) = delete;
  async_batcher& operator=(const async_batcher&) = delete;
  ~async_batcher() = default;

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
  template <typename U, typename Body>
  friend boost::asio::awaitable<void> with_batcher(std::size_t batch_size, batch_flush<U> flush, Body body);

  async_batcher(std::size_t batch_size, batch_flush<T> flush)
      : batch_size_(batch_size == 0 ? 1 : batch_size), flush_(std::move(flush)) {
    queue_.reserve(batch_size_);
  }

  std::size_t batch_size_;
  batch_flush<T> flush_;
  std::vector<T> queue_;
  std::size_t flushes_ = 0;
};

/// Runs `body(batcher)` and then flushes what remains, also when the body throws (the
/// book's `async with AsyncBatcher(...)`); the body's exception is rethrown after the
/// flush (a failure of that last flush is then dropped in its favour). `flush` and
/// `body` are kept alive in this frame until the last flush has ended, so capturing
/// lambdas, coroutines themselves, are safe here.
template <typename T, typename Body>
boost::asio::awaitable<void> with_batcher(std::size_t batch_size, batch_flush<T> flush, Body body) {
  async_batcher<T> batcher(batch_size, std::move(flush));
  std::exception_ptr failure;
  try {
    co_await body(batcher);
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) {
    co_await batcher.flush();
    co_return;
  }
  try {
    co_await batcher.flush();
  } catch (...) { // the body's failure is the one to report
  }
  std::rethrow_exception(failure);
}

} // namespace overlap
