#pragma once
// The book's CPU + I/O workload: bcrypt-hash passwords and save each hash to a slow
// database, structured in each of the ways the chapter compares, and one past it.
#include "overlap/failure_kind.hpp"
#include "overlap/result_sink.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace overlap {

enum class workload_mode {
  noio,    // hash only: the floor for one core
  fileio,  // append each hash to a temporary file
  serial,  // save each hash and wait for the answer before the next
  batch,   // queue hashes; when batch_size are queued, save them all at once and wait
  async,   // start each save without waiting (at most `concurrency` in flight), yield after each hash
  threads, // `workers` threads hash; one event loop saves (at most `concurrency` in flight)
};

std::string_view to_string(workload_mode mode) noexcept;
std::optional<workload_mode> parse_workload_mode(std::string_view name) noexcept;
/// Every mode, in the order `all` runs them.
const std::vector<workload_mode>& all_workload_modes();

struct workload_options {
  workload_mode mode = workload_mode::async;
  int difficulty = 8; // bcrypt cost
  std::size_t n = 600;
  std::size_t batch_size = 100;
  std::size_t concurrency = 100;
  unsigned workers = 0; // threads mode; 0 = the number of cores
  /// Further attempts at a failed save, with retry_policy's backoff from first_backoff.
  unsigned retries = 5;
  std::chrono::milliseconds first_backoff{50};
  /// One save attempt, from connecting to the whole answer (the sink applies it).
  std::chrono::milliseconds save_timeout{30'000};
  bool record_timeline = false;
  /// Asked before each task starts (from the hashing threads in threads mode): once
  /// true no further task starts, saves in flight finish, and the result is marked
  /// interrupted. Must be cheap and thread-safe (e.g. an atomic load).
  std::function<bool()> stop_requested;
  /// Called after a task's hash, at most twice a second, first after 2 s, from the
  /// thread that hashed it (a worker in threads mode): tasks hashed so far and
  /// seconds since the start.
  std::function<void(std::size_t done, double seconds)> on_progress;
};

/// One task's spans, in seconds from the run's start; io_* are NaN without I/O.
struct task_span {
  double cpu_start;
  double cpu_end;
  double io_start;
  double io_end;
};

struct workload_result {
  workload_mode mode = workload_mode::noio;
  std::size_t n = 0; // tasks started: fewer than asked for when interrupted
  int difficulty = 0;
  double seconds = 0;
  std::uint64_t sent = 0;
  std::uint64_t saved = 0; // acknowledged by the sink
  std::uint64_t retried = 0;
  std::uint64_t failed = 0;        // given up on after every retry
  failure_counts errors_by_kind{}; // every failed attempt, by kind
  bool interrupted = false;        // stop_requested ended the run before n tasks
  std::size_t batch_size = 0;
  std::size_t concurrency = 0;
  unsigned workers = 1;
  std::vector<task_span> timeline; // when asked for
};

/// Makes the sink for one run, on the run's event loop.
using sink_factory = std::function<std::unique_ptr<result_sink>(boost::asio::any_io_executor)>;

/// Runs one mode on an event loop of its own on the calling thread (plus worker
/// threads in threads mode). `make_sink` is used by the modes that save. Throws on
/// the unexpected (e.g. bcrypt refusing the cost); failed saves are counted instead.
workload_result run_workload(const workload_options& options, const sink_factory& make_sink);

/// Every mode in `modes` at every bcrypt cost in `difficulties` (Figures 8-10 and 8-11),
/// cost by cost: all the modes at the first cost, then at the next, so that each cost's
/// noio baseline is measured beside its other modes. Each run is run_workload with
/// `options` but its mode and difficulty; `on_run`, when set, sees each result as it ends.
/// Once `options.stop_requested` says stop, no further run starts.
std::vector<workload_result> run_workloads(workload_options options, const std::vector<workload_mode>& modes,
                                           const std::vector<int>& difficulties, const sink_factory& make_sink,
                                           const std::function<void(const workload_result&)>& on_run = {});

/// The bcrypt costs run_workload accepts.
inline constexpr int min_difficulty = 4;
inline constexpr int max_difficulty = 31;

/// `--difficulty`: one bcrypt cost or a comma-separated list ("8,10,11,12"), each in
/// [min_difficulty, max_difficulty]; returned ascending, each once. Throws
/// std::invalid_argument with a one-line reason.
std::vector<int> parse_difficulties(std::string_view text);

/// Seconds per hash at `cost` on this machine: the median of a few timed hashes.
double seconds_per_hash(int cost, std::chrono::milliseconds budget = std::chrono::milliseconds(1000));

} // namespace overlap
