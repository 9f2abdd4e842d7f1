#include "overlap/async_semaphore.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace overlap {

struct async_semaphore::waiter {
  // Built by move construction only: Boost 1.81's any_completion_handler move
  // assignment copies through its converting constructor and recurses forever.
  waiter(handler_type h, executor_type e) : handler(std::move(h)), resume_on(std::move(e)) {}

  handler_type handler;
  executor_type resume_on;
  queue_type::iterator position;
  bool queued = false;
};

async_semaphore::async_semaphore(executor_type executor, std::size_t initial_count)
    : executor_(std::move(executor)), count_(initial_count) {}

async_semaphore::~async_semaphore() {
  queue_type orphans;
  {
    std::lock_guard lock(mutex_);
    orphans.swap(queue_);
  }
  for (auto& node : orphans) {
    node->queued = false;
    complete(std::move(node->handler), node->resume_on, boost::asio::error::operation_aborted);
  }
}

bool async_semaphore::try_acquire() noexcept {
  std::lock_guard lock(mutex_);
  // count_ > 0 implies an empty queue: release() hands units to waiters first.
  if (count_ == 0) {
    return false;
  }
  --count_;
  return true;
}

void async_semaphore::release() {
  std::unique_lock lock(mutex_);
  if (queue_.empty()) {
    ++count_;
    return;
  }
  auto node = std::move(queue_.front());
  queue_.pop_front();
  node->queued = false;
  lock.unlock();
  complete(std::move(node->handler), node->resume_on, {});
}

std::size_t async_semaphore::available() const noexcept {
  std::lock_guard lock(mutex_);
  return count_;
}

std::size_t async_semaphore::waiting() const noexcept {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void async_semaphore::enqueue(handler_type handler, executor_type resume_on) {
  std::unique_lock lock(mutex_);
  if (count_ > 0) {
    --count_;
    lock.unlock();
    complete(std::move(handler), resume_on, {});
    return;
  }
  auto node = std::make_shared<waiter>(std::move(handler), std::move(resume_on));
  node->position = queue_.insert(queue_.end(), node);
  node->queued = true;
  // Assigned under the lock so that a release on another thread cannot complete the
  // handler (whose owner may then reuse the slot) while we still write to the slot.
  auto slot = boost::asio::get_associated_cancellation_slot(node->handler);
  if (slot.is_connected()) {
    // The weak pointer expires once the waiter is granted or cancelled, so a late
    // cancellation signal finds nothing to do and never touches a dead semaphore.
    slot.assign([this, weak = std::weak_ptr<waiter>(node)](boost::asio::cancellation_type) {
      if (auto alive = weak.lock()) {
        cancel(alive);
      }
    });
  }
}

void async_semaphore::cancel(const std::shared_ptr<waiter>& node) {
  std::unique_lock lock(mutex_);
  if (!node->queued) {
    return;
  }
  node->queued = false;
  auto keep = node; // the queue held a reference; erase drops it
  queue_.erase(node->position);
  lock.unlock();
  complete(std::move(keep->handler), keep->resume_on, boost::asio::error::operation_aborted);
}

void async_semaphore::complete(handler_type handler, const executor_type& resume_on, boost::system::error_code ec) {
  boost::asio::post(resume_on, [handler = std::move(handler), ec]() mutable { std::move(handler)(ec); });
}

} // namespace overlap
