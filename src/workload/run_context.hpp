#pragma once
// What every workload mode shares during one run.
#include "overlap/workload.hpp"
#include "workload/bcrypt_task.hpp"
#include "workload/result_saver.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <random>

namespace overlap::workload {

using steady = std::chrono::steady_clock;

/// Per-task CPU and I/O spans. Each index is written by one thread at a time and read
/// after the run, so no locking is needed.
class task_timeline {
public:
  task_timeline(bool enabled, std::size_t n, steady::time_point origin);
  void cpu(std::size_t index, steady::time_point start, steady::time_point end);
  void io(std::size_t index, steady::time_point start, steady::time_point end);
  std::vector<task_span> take() { return std::move(spans_); }

private:
  double since_origin(steady::time_point t) const;
  bool enabled_;
  steady::time_point origin_;
  std::vector<task_span> spans_;
};

struct run_context {
  run_context(const workload_options& opts, boost::asio::io_context& loop, result_sink* sink);

  const workload_options& options;
  boost::asio::io_context& ioc;
  std::optional<result_saver> saver; // absent for the modes without I/O
  steady::time_point origin;
  task_timeline timeline;
  std::mt19937_64 rng;

  /// Whether task `index` may start: it exists and no stop was requested. Thread-safe.
  bool may_start(std::size_t index);
  /// Tasks that may_start let start.
  std::size_t started() const noexcept { return started_.load(); }
  bool interrupted() const noexcept { return interrupted_.load(); }

  /// A task's hash is done: counts it and calls options.on_progress when due.
  /// Thread-safe (threads mode hashes on its workers).
  void hashed_one();

  /// Hashes task `index`'s password, recording its CPU span.
  std::string hash_task(std::size_t index);
  /// Saves task `index`'s result, recording its I/O span. False if it finally failed.
  /// Keeps its own copy of `result`; the context itself must outlive the run (run_workload
  /// owns it and runs the loop to the end).
  boost::asio::awaitable<bool> save_task(std::size_t index, std::string result);
  /// The idempotency key of task `index` in this run.
  std::string key_of(std::size_t index) const;

private:
  std::string run_id_;
  std::atomic<std::size_t> started_{0};
  std::atomic<bool> interrupted_{false};
  std::atomic<std::size_t> hashed_{0};
  std::atomic<std::int64_t> next_progress_ns_{0};
};

// One function per mode, each in its own file.
void run_noio(run_context& ctx);
void run_fileio(run_context& ctx);
boost::asio::awaitable<void> run_serial(run_context& ctx);
boost::asio::awaitable<void> run_batch(run_context& ctx);
boost::asio::awaitable<void> run_async(run_context& ctx);
boost::asio::awaitable<void> run_threads(run_context& ctx);

} // namespace overlap::workload
