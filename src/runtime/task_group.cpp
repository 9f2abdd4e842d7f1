#include "overlap/task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <cstdlib>

namespace overlap {

namespace asio = boost::asio;

task_group::task_group(asio::any_io_executor executor)
    : executor_(std::move(executor)), idle_(executor_, asio::steady_timer::time_point::max()) {}

task_group::~task_group() {
  forget_finished();
  if (running_ != 0) {
    // The running tasks' completion would write to this freed group, and the tasks
    // themselves refer to the destroyed scope: stop here, loudly, in every build.
    std::fprintf(stderr,
                 "overlap: a task_group was destroyed with %zu running tasks (its event loop was destroyed "
                 "while with_task_group was suspended)\n",
                 running_);
    std::abort();
  }
}

void task_group::spawn(asio::awaitable<void> task) {
  forget_finished();
  auto signal = signals_.emplace(signals_.end());
  ++running_;
  asio::co_spawn(executor_, std::move(task),
                 asio::bind_cancellation_slot(signal->slot(), [this, signal](std::exception_ptr failure) {
                   finished(signal, std::move(failure));
                 }));
}

void task_group::finished(signal_list::iterator signal, std::exception_ptr failure) {
  finished_signals_.push_back(signal);
  if (failure) {
    failures_.push_back(std::move(failure));
  }
  if (--running_ == 0) {
    idle_.cancel();
  }
}

asio::awaitable<void> task_group::wait() {
  while (running_ > 0) {
    co_await idle_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  forget_finished();
  if (rethrown_ < failures_.size()) {
    // Each failure is rethrown by at most one wait, so a second wait does not repeat it.
    auto first = failures_[rethrown_];
    rethrown_ = failures_.size();
    std::rethrow_exception(first);
  }
}

asio::awaitable<void> task_group::join() {
  bool passed_on = false;
  while (running_ > 0) {
    co_await idle_.async_wait(asio::as_tuple(asio::use_awaitable));
    const auto state = co_await asio::this_coro::cancellation_state;
    if (!passed_on && state.cancelled() != asio::cancellation_type::none) {
      passed_on = true;
      cancel();
    }
  }
  forget_finished();
}

void task_group::forget_finished() {
  for (auto signal : finished_signals_) {
    signals_.erase(signal);
  }
  finished_signals_.clear();
}

void task_group::cancel() {
  forget_finished();
  for (auto& signal : signals_) {
    signal.emit(asio::cancellation_type::terminal);
  }
}

} // namespace overlap
