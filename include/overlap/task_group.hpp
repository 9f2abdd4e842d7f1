#pragma once
// A group of C++20 coroutine tasks: start many, wait for all, lose no failure, and
// never let one outlive the scope that started it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <cstddef>
#include <exception>
#include <list>
#include <vector>

namespace overlap {

class task_group;
template <typename Body> boost::asio::awaitable<void> with_task_group(boost::asio::any_io_executor executor, Body body);

/// Starts coroutine tasks that run concurrently with their starter, and waits for all
/// of them. Every failure is kept; `wait` rethrows the first one (in completion order)
/// only after every task has finished, so no task is left running unobserved.
/// `cancel` sends terminal cancellation to every running task (its pending operation
/// completes with operation_aborted).
/// A group exists only inside `with_task_group`, which joins every task before its
/// scope ends, also when the scope ends by an exception or a cancellation: a task may
/// therefore refer to anything that outlives the `with_task_group` call.
/// Not thread-safe: use it from its executor's thread (e.g. one io_context thread).
class task_group {
public:
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;
  /// Releases only. Reached with running tasks only if the loop is destroyed while the
  /// scope is suspended; that would leave tasks pointing at freed memory, so it aborts
  /// the program with a message, in every build.
  ~task_group();

  /// Starts `task` at once; it first runs when the caller next suspends.
  void spawn(boost::asio::awaitable<void> task);

  /// Completes when no task is running; then rethrows the first failure, if any.
  boost::asio::awaitable<void> wait();

  /// Asks every running task to stop (terminal cancellation).
  void cancel();

  std::size_t running() const noexcept { return running_; }
  /// Every failure so far, in completion order (including the one `wait` rethrows).
  const std::vector<std::exception_ptr>& failures() const noexcept { return failures_; }

private:
  template <typename Body> friend boost::asio::awaitable<void> with_task_group(boost::asio::any_io_executor, Body);

  explicit task_group(boost::asio::any_io_executor executor);

  using signal_list = std::list<boost::asio::cancellation_signal>;
  void finished(signal_list::iterator signal, std::exception_ptr failure);
  void forget_finished();
  /// Waits until no task runs, whatever happens meanwhile: a cancellation of the
  /// caller is passed on to the tasks instead of ending the wait. Call it with
  /// throw_if_cancelled(false).
  boost::asio::awaitable<void> join();

  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer idle_; // never expires; cancelled to wake `wait`
  signal_list signals_;
  // A task's signal must outlive the completion handler bound to its slot, so it is
  // erased later, outside that handler.
  std::vector<signal_list::iterator> finished_signals_;
  std::vector<std::exception_ptr> failures_;
  std::size_t running_ = 0;
  std::size_t rethrown_ = 0;
};

/// Runs `body(group)` with a new task group and returns only once every task of the
/// group has finished (the structured form of the book's `asyncio.gather`, like
/// Python's `async with TaskGroup()`):
/// - the body returns: waits for the tasks, then rethrows the first task failure;
/// - the body throws (or the caller is cancelled): cancels the tasks, waits for them,
///   then rethrows the body's exception.
/// `body` is kept alive in this frame, so a capturing lambda is safe here.
template <typename Body>
boost::asio::awaitable<void> with_task_group(boost::asio::any_io_executor executor, Body body) {
  task_group group(std::move(executor));
  std::exception_ptr failure;
  try {
    co_await body(group);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    group.cancel();
  }
  // Join whatever happens: a cancelled caller still waits here (join passes the
  // cancellation on to the tasks) instead of throwing at the next co_await.
  const bool throwing = co_await boost::asio::this_coro::throw_if_cancelled();
  co_await boost::asio::this_coro::throw_if_cancelled(false);
  co_await group.join();
  co_await boost::asio::this_coro::throw_if_cancelled(throwing);
  if (failure) {
    std::rethrow_exception(failure);
  }
  co_await group.wait(); // every task has ended: rethrows the first failure, if any
}

} // namespace overlap
