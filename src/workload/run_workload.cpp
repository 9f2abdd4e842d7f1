#include "overlap/workload.hpp"

#include "workload/run_context.hpp"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <thread>

namespace overlap {

namespace asio = boost::asio;
using workload::steady;

namespace {

constexpr std::array<std::pair<workload_mode, std::string_view>, 6> mode_names{{
    {workload_mode::noio, "noio"},
    {workload_mode::fileio, "fileio"},
    {workload_mode::serial, "serial"},
    {workload_mode::batch, "batch"},
    {workload_mode::async, "async"},
    {workload_mode::threads, "threads"},
}};

bool saves_results(workload_mode mode) { return mode != workload_mode::noio && mode != workload_mode::fileio; }

asio::awaitable<void> run_saving_mode(workload::run_context& ctx, result_sink& sink) {
  switch (ctx.options.mode) {
  case workload_mode::serial: co_await workload::run_serial(ctx); break;
  case workload_mode::batch: co_await workload::run_batch(ctx); break;
  case workload_mode::async: co_await workload::run_async(ctx); break;
  case workload_mode::threads: co_await workload::run_threads(ctx); break;
  default: throw std::logic_error("not a saving mode");
  }
  sink.close();
}

} // namespace

std::string_view to_string(workload_mode mode) noexcept {
  for (const auto& [m, name] : mode_names) {
    if (m == mode) {
      return name;
    }
  }
  return "unknown";
}

std::optional<workload_mode> parse_workload_mode(std::string_view name) noexcept {
  for (const auto& [m, n] : mode_names) {
    if (n == name) {
      return m;
    }
  }
  return std::nullopt;
}

const std::vector<workload_mode>& all_workload_modes() {
  static const std::vector<workload_mode> modes{workload_mode::noio,  workload_mode::fileio, workload_mode::serial,
                                                workload_mode::batch, workload_mode::async,  workload_mode::threads};
  return modes;
}

workload_result run_workload(const workload_options& options, const sink_factory& make_sink) {
  asio::io_context ioc(1);
  std::unique_ptr<result_sink> sink;
  if (saves_results(options.mode)) {
    if (!make_sink) {
      throw std::invalid_argument("workload mode " + std::string(to_string(options.mode)) + " needs a sink");
    }
    sink = make_sink(ioc.get_executor());
  }
  workload::run_context ctx(options, ioc, sink.get());
  const auto start = ctx.origin;
  if (saves_results(options.mode)) {
    std::exception_ptr failure;
    asio::co_spawn(ioc, run_saving_mode(ctx, *sink), [&failure](std::exception_ptr e) { failure = std::move(e); });
    ioc.run();
    if (failure) {
      std::rethrow_exception(failure);
    }
  } else if (options.mode == workload_mode::noio) {
    workload::run_noio(ctx);
  } else {
    workload::run_fileio(ctx);
  }
  const double seconds = std::chrono::duration<double>(steady::now() - start).count();

  workload_result result;
  result.mode = options.mode;
  result.n = ctx.interrupted() ? ctx.started() : options.n;
  result.interrupted = ctx.interrupted();
  result.difficulty = options.difficulty;
  result.seconds = seconds;
  result.batch_size = options.batch_size;
  result.concurrency = options.concurrency;
  result.workers = options.mode == workload_mode::threads
                       ? (options.workers == 0 ? std::max(1U, std::thread::hardware_concurrency()) : options.workers)
                       : 1;
  if (ctx.saver) {
    const auto& counts = ctx.saver->counts();
    result.sent = counts.sent;
    result.saved = counts.acknowledged;
    result.retried = counts.retried;
    result.failed = counts.failed;
    result.errors_by_kind = counts.errors_by_kind;
  }
  result.timeline = ctx.timeline.take();
  if (result.interrupted) { // only the tasks that ran have spans
    std::erase_if(result.timeline, [](const task_span& s) { return std::isnan(s.cpu_start); });
  }
  return result;
}

std::vector<workload_result> run_workloads(workload_options options, const std::vector<workload_mode>& modes,
                                           const std::vector<int>& difficulties, const sink_factory& make_sink,
                                           const std::function<void(const workload_result&)>& on_run) {
  std::vector<workload_result> runs;
  runs.reserve(modes.size() * difficulties.size());
  for (const int difficulty : difficulties) {
    for (const auto mode : modes) {
      if (options.stop_requested && options.stop_requested()) {
        return runs; // the runs that ended, the last one perhaps in part
      }
      options.mode = mode;
      options.difficulty = difficulty;
      runs.push_back(run_workload(options, make_sink));
      if (on_run) {
        on_run(runs.back());
      }
    }
  }
  return runs;
}

std::vector<int> parse_difficulties(std::string_view text) {
  const auto bad = [&](const std::string& why) { return std::invalid_argument("'" + std::string(text) + "': " + why); };
  std::vector<int> costs;
  std::size_t at = 0;
  while (true) {
    const auto comma = std::min(text.find(',', at), text.size());
    const auto item = text.substr(at, comma - at);
    int cost = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), cost);
    if (item.empty() || ec == std::errc::invalid_argument || end != item.data() + item.size()) {
      throw bad("not a list of whole numbers (e.g. 8,10,11,12)");
    }
    if (ec == std::errc::result_out_of_range || cost < min_difficulty || cost > max_difficulty) {
      throw bad("each cost must be " + std::to_string(min_difficulty) + " to " + std::to_string(max_difficulty));
    }
    costs.push_back(cost);
    if (comma == text.size()) {
      break;
    }
    at = comma + 1;
  }
  std::sort(costs.begin(), costs.end());
  costs.erase(std::unique(costs.begin(), costs.end()), costs.end());
  return costs;
}

double seconds_per_hash(int cost, std::chrono::milliseconds budget) {
  std::vector<double> samples;
  const auto deadline = steady::now() + budget;
  while (samples.size() < 3 || (steady::now() < deadline && samples.size() < 50)) {
    const auto start = steady::now();
    workload::bcrypt_hash("abcdefghij", cost);
    samples.push_back(std::chrono::duration<double>(steady::now() - start).count());
  }
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(samples.size() / 2), samples.end());
  return samples[samples.size() / 2];
}

} // namespace overlap
