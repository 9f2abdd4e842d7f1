// overlap merge: the results of a run's shards (overlap crawl --shard I/K --json) as
// the one result of the whole run, exactly: counts add, histograms merge.
#include "command.hpp"
#include "output_file.hpp"
#include "usage.hpp"

#include "overlap/crawl_shards.hpp"
#include "overlap/result_files.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace overlap::cli {

namespace {

struct merge_settings {
  std::vector<std::string> inputs;
  std::string output;
};

struct input {
  std::string name;
  run_header header;
  crawl_results body;
};

input read_input(const std::string& name) {
  try {
    auto file = read_result_file(read_whole_file(name, "result file"), name);
    auto* body = std::get_if<crawl_results>(&file.body);
    if (body == nullptr) {
      throw usage_error(name + ": not an overlap crawl --json result (it holds a " + file.header.command + " " +
                        std::string(kind_of(file)) + ")");
    }
    if (body->runs.empty()) {
      throw usage_error(name + ": holds no run");
    }
    return {name, file.header, std::move(*body)};
  } catch (const result_file_error& e) {
    throw usage_error(e.what());
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
}

int run_merge(const merge_settings& s) {
  const auto out = s.output.empty() ? output_file() : output_file(s.output, "-o"); // checked before any input
  std::vector<input> inputs;
  for (const auto& name : s.inputs) {
    inputs.push_back(read_input(name));
  }
  const auto runs = inputs.front().body.runs.size();
  for (const auto& in : inputs) {
    if (in.body.runs.size() != runs) {
      throw usage_error("the results are of different runs: " + inputs.front().name + " holds " + std::to_string(runs) +
                        " strategies, " + in.name + " " + std::to_string(in.body.runs.size()));
    }
  }
  crawl_results merged;
  bool interrupted = false;
  for (std::size_t r = 0; r < runs; ++r) {
    std::vector<crawl_result> parts;
    for (const auto& in : inputs) {
      parts.push_back(in.body.runs[r]);
      interrupted = interrupted || in.header.interrupted;
    }
    try {
      merged.runs.push_back(merge_crawl_results(std::move(parts)));
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
    print_crawl_run(merged.runs.back());
    print_shard_outcomes(merged.runs.back(), "shard");
  }
  auto header = run_header::capture("crawl"); // a crawl result like any other, for overlap report
  header.interrupted = interrupted;
  out.write(result_file_text({header, merged}));
  int status = 0;
  for (const auto& run : merged.runs) {
    for (const auto& shard : run.shards) {
      if (shard.failed > 0 || !shard.error.empty()) {
        std::fprintf(stderr, "overlap merge: shard %zu: %zu of %zu requests failed%s%s\n", shard.index, shard.failed,
                     shard.n, shard.error.empty() ? "" : ": ", shard.error.c_str());
        status = 1;
      }
    }
  }
  return status;
}

} // namespace

void print_shard_outcomes(const crawl_result& merged, const char* noun) {
  for (const auto& s : merged.shards) {
    std::printf("  %s %zu: n=%zu, %zu succeeded, %zu failed, %zu errors, %.4f s, started %+.1f ms%s%s\n", noun, s.index,
                s.n, s.succeeded, s.failed, s.errors, s.seconds,
                merged.started_at > 0 && s.started_at > 0 ? (s.started_at - merged.started_at) * 1000 : 0.0,
                s.error.empty() ? "" : ", failed: ", s.error.c_str());
  }
  std::fflush(stdout);
}

command add_merge_command(CLI::App& parent) {
  auto settings = std::make_shared<merge_settings>();
  auto* app = parent.add_subcommand(
      "merge", "Merge the --json results of a run's shards (overlap crawl --shard I/K) into the whole run's result, "
               "exactly: counts add, latency histograms merge, the limit is the whole run's. Every shard 0..K-1 "
               "must be given once, all of the same run.");
  app->add_option("inputs", settings->inputs, "The shards' result files (overlap crawl --json)")->required();
  app->add_option("-o,--output", settings->output, "Write the merged result here (- for standard output)");
  return {app, [settings] { return run_merge(*settings); }};
}

} // namespace overlap::cli
