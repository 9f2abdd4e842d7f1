#include "workload/run_context.hpp"

#include <limits>

namespace overlap::workload {

namespace {
constexpr double not_a_time = std::numeric_limits<double>::quiet_NaN();
constexpr auto first_progress_after = std::chrono::seconds(2);
constexpr auto progress_period = std::chrono::milliseconds(500);
} // namespace

task_timeline::task_timeline(bool enabled, std::size_t n, steady::time_point origin)
    : enabled_(enabled), origin_(origin) {
  if (enabled_) {
    spans_.assign(n, task_span{not_a_time, not_a_time, not_a_time, not_a_time});
  }
}

double task_timeline::since_origin(steady::time_point t) const {
  return std::chrono::duration<double>(t - origin_).count();
}

void task_timeline::cpu(std::size_t index, steady::time_point start, steady::time_point end) {
  if (enabled_) {
    spans_[index].cpu_start = since_origin(start);
    spans_[index].cpu_end = since_origin(end);
  }
}

void task_timeline::io(std::size_t index, steady::time_point start, steady::time_point end) {
  if (enabled_) {
    spans_[index].io_start = since_origin(start);
    spans_[index].io_end = since_origin(end);
  }
}

run_context::run_context(const workload_options& opts, boost::asio::io_context& loop, result_sink* sink)
    : options(opts), ioc(loop), origin(steady::now()), timeline(opts.record_timeline, opts.n, origin),
      rng(std::random_device{}()) {
  if (sink != nullptr) {
    saver.emplace(*sink, retry_policy{.retries = opts.retries, .first_backoff = opts.first_backoff});
  }
  run_id_ = random_letters(rng, 10);
}

bool run_context::may_start(std::size_t index) {
  if (index >= options.n) {
    return false;
  }
  if (options.stop_requested && options.stop_requested()) {
    interrupted_ = true;
    return false;
  }
  ++started_;
  return true;
}

std::string run_context::hash_task(std::size_t index) {
  const auto password = random_letters(rng);
  const auto start = steady::now();
  auto hashed = bcrypt_hash(password, options.difficulty);
  timeline.cpu(index, start, steady::now());
  hashed_one();
  return hashed;
}

void run_context::hashed_one() {
  const auto hashed = ++hashed_;
  if (!options.on_progress) {
    return;
  }
  const auto elapsed = steady::now() - origin;
  const auto elapsed_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  // 0: nothing reported yet. Whoever swaps in the next due time reports, once.
  auto next = next_progress_ns_.load();
  const auto due = next == 0 ? std::chrono::nanoseconds(first_progress_after).count() : next;
  if (elapsed_ns >= due &&
      next_progress_ns_.compare_exchange_strong(next, elapsed_ns + std::chrono::nanoseconds(progress_period).count())) {
    options.on_progress(hashed, std::chrono::duration<double>(elapsed).count());
  }
}

boost::asio::awaitable<bool> run_context::save_task(std::size_t index, std::string result) {
  const auto start = steady::now();
  const bool saved = co_await saver->save(result, key_of(index));
  timeline.io(index, start, steady::now());
  co_return saved;
}

std::string run_context::key_of(std::size_t index) const { return run_id_ + "-" + std::to_string(index); }

} // namespace overlap::workload
