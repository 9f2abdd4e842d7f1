#pragma once
// A counting semaphore for Asio: the book's asyncio.Semaphore / gevent Semaphore.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

namespace overlap {

/// Caps how many holders run at once. `async_acquire` completes when a unit is free;
/// waiters are served strictly in arrival order (FIFO), so none starves.
/// Works with any completion token: `use_awaitable` (C++20 coroutines), a
/// `yield_context` (stackful coroutines) or a plain callback.
/// Thread-safe: acquire and release may be called from any thread. A waiter always
/// resumes through its own associated executor (the semaphore's executor if it has
/// none), never inline inside `async_acquire` or `release`.
/// Cancelling a waiting acquire (per-operation cancellation, e.g. a timeout) completes
/// it with `operation_aborted` and takes it out of the queue; it then holds no unit.
/// Destroying the semaphore completes remaining waiters with `operation_aborted`.
class async_semaphore {
public:
  using executor_type = boost::asio::any_io_executor;
  using handler_type = boost::asio::any_completion_handler<void(boost::system::error_code)>;

  async_semaphore(executor_type executor, std::size_t initial_count);
  async_semaphore(const async_semaphore&) = delete;
  async_semaphore& operator=(const async_semaphore&) = delete;
  ~async_semaphore();

  executor_type get_executor() const noexcept { return executor_; }

  /// Waits for a unit. On success the caller holds one unit and must `release()` it.
  template <typename CompletionToken> auto async_acquire(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [this](auto handler) {
          // The resuming executor is taken before type erasure: any_completion_handler's
          // own executor cannot be posted to.
          executor_type resume_on = boost::asio::get_associated_executor(handler, executor_);
          enqueue(handler_type(std::move(handler)), std::move(resume_on));
        },
        token);
  }

  /// Takes a unit without waiting if one is free and nobody is queued.
  bool try_acquire() noexcept;

  /// Returns a unit: the oldest waiter gets it, else the count grows by one.
  void release();

  std::size_t available() const noexcept;
  std::size_t waiting() const noexcept;

private:
  struct waiter;
  using queue_type = std::list<std::shared_ptr<waiter>>;

  void enqueue(handler_type handler, executor_type resume_on);
  void cancel(const std::shared_ptr<waiter>& node);
  static void complete(handler_type handler, const executor_type& resume_on, boost::system::error_code ec);

  executor_type executor_;
  mutable std::mutex mutex_;
  std::size_t count_;
  queue_type queue_;
};

/// Holds one unit of a semaphore and returns it when destroyed (RAII).
class semaphore_permit {
public:
  semaphore_permit() = default;
  explicit semaphore_permit(async_semaphore& semaphore) noexcept : semaphore_(&semaphore) {}
  semaphore_permit(semaphore_permit&& other) noexcept : semaphore_(other.semaphore_) { other.semaphore_ = nullptr; }
  semaphore_permit& operator=(semaphore_permit&& other) noexcept {
    if (this != &other) {
      reset();
      semaphore_ = other.semaphore_;
      other.semaphore_ = nullptr;
    }
    return *this;
  }
  ~semaphore_permit() { reset(); }

  void reset() {
    if (semaphore_ != nullptr) {
      std::exchange(semaphore_, nullptr)->release();
    }
  }

private:
  async_semaphore* semaphore_ = nullptr;
};

} // namespace overlap
