#pragma once
// A group of C++20 coroutine tasks: start many, wait for all, lose no failure.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <exception>
#include <list>
#include <vector>

namespace overlap {

/// Starts coroutine tasks that run concurrently with their starter, and waits for all
/// of them. Every failure is kept; `wait` rethrows the first one (in completion order)
/// only after every task has finished, so no task is left running unobserved.
/// `cancel` sends terminal cancellation to every running task (its pending operation
/// completes with operation_aborted).
/// Not thread-safe: use it from its executor's thread (e.g. one io_context thread).
/// The group must outlive its tasks: call `wait` before destroying it.
class task_group {
public:
  explicit task_group(boost::asio::any_io_executor executor);
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;
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
  using signal_list = std::list<boost::asio::cancellation_signal>;
  void finished(signal_list::iterator signal, std::exception_ptr failure);
  void forget_finished();

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

} // namespace overlap
