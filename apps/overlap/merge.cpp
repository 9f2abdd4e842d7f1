// overlap merge: the results of a run's shards (overlap crawl --shard I/K --json) as
// the one result of the whole run, exactly: counts add, histograms merge.
#include "command.hpp"
#include "output_file.hpp"
#include "timeline_output.hpp"
#include "usage.hpp"

#include "overlap/crawl_shards.hpp"
#include "overlap/result_files.hpp"

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace overlap::cli {

namespace {

struct merge_settings {
  std::vector<std::string> inputs;
  std::string output;
  std::string timeline_file;
  std::string timeline_format;
};

struct input {
  std::string name;
  run_header header;
  crawl_results body;
  std::vector<bool> with_timeline; // per run: a timeline file gave its spans
};

struct timeline_input {
  std::string name;
  timeline_run run;
};

/// The result files and the timeline files (JSON) among the inputs, in their order.
struct inputs_read {
  std::vector<input> results;
  std::vector<timeline_input> timelines;
};

inputs_read read_inputs(const std::vector<std::string>& names) {
  inputs_read read;
  for (const auto& name : names) {
    try {
      auto file = read_result_file(read_whole_file(name, "result file"), name);
      if (auto* t = std::get_if<timelines>(&file.body); t != nullptr && file.header.command == "crawl") {
        for (auto& run : t->runs) {
          read.timelines.push_back({name, std::move(run)});
        }
        continue;
      }
      auto* body = std::get_if<crawl_results>(&file.body);
      if (body == nullptr) {
        throw usage_error(name + ": not an overlap crawl --json result or --timeline (it holds a " +
                          file.header.command + " " + std::string(kind_of(file)) + ")");
      }
      if (body->runs.empty()) {
        throw usage_error(name + ": holds no run");
      }
      const auto runs = body->runs.size();
      read.results.push_back({name, file.header, std::move(*body), std::vector<bool>(runs, false)});
    } catch (const result_file_error& e) {
      throw usage_error(e.what());
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  }
  if (read.results.empty()) {
    throw usage_error("no result to merge: give the shards' --json files (their --timeline files go beside them)");
  }
  return read;
}

std::string shard_text(const shard_spec& shard) {
  return "shard " + std::to_string(shard.index) + " of " + std::to_string(shard.count);
}

/// Gives each timeline's spans to the result of the same shard and run: the same
/// strategy and shard, and the same start to the microsecond (both files say it).
void attach_timeline(std::vector<input>& results, timeline_input& t) {
  if (!t.run.shard) {
    throw usage_error(t.name + ": a timeline of a run that was not a shard (--shard or --mpi): nothing to merge");
  }
  for (auto& in : results) {
    for (std::size_t r = 0; r < in.body.runs.size(); ++r) {
      auto& run = in.body.runs[r];
      if (!run.shard || run.shard->shard != *t.run.shard || to_string(run.strategy) != t.run.label) {
        continue;
      }
      if (std::abs(run.started_at - t.run.started_at) > 1e-5) {
        throw usage_error(t.name + ": the timeline of " + shard_text(*t.run.shard) + " is of another run than " +
                          in.name + " (their starts differ)");
      }
      if (in.with_timeline[r]) {
        throw usage_error(t.name + ": the timeline of " + shard_text(*t.run.shard) + " is given twice");
      }
      run.timeline = std::move(t.run.spans);
      in.with_timeline[r] = true;
      return;
    }
  }
  throw usage_error(t.name + ": the timeline of " + shard_text(*t.run.shard) + " (" + t.run.label +
                    ") matches no result given: give each shard's --json and --timeline of the same run");
}

void attach_timelines(inputs_read& read, bool timeline_wanted) {
  if (!read.timelines.empty() && !timeline_wanted) {
    throw usage_error("timelines are given: name the merged timeline's file with --timeline FILE");
  }
  if (!timeline_wanted) {
    return;
  }
  for (auto& t : read.timelines) {
    attach_timeline(read.results, t);
  }
  for (const auto& in : read.results) {
    for (std::size_t r = 0; r < in.body.runs.size(); ++r) {
      if (!in.with_timeline[r]) {
        const auto& run = in.body.runs[r];
        throw usage_error("--timeline: the timeline of " + in.name +
                          (run.shard ? " (" + shard_text(run.shard->shard) + ")" : std::string()) +
                          " is missing: give every shard's --timeline JSON file");
      }
    }
  }
}

int run_merge(const merge_settings& s) {
  // Every output is checked before any input is read.
  const auto out = s.output.empty() ? output_file() : output_file(s.output, "-o");
  const timeline_output timeline_out(s.timeline_file, s.timeline_format);
  if (out.is_stdout() && timeline_out.is_stdout()) {
    throw usage_error("-o and --timeline cannot both be - (standard output)");
  }
  auto read = read_inputs(s.inputs);
  attach_timelines(read, timeline_out.wanted());
  auto& inputs = read.results;
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
    for (auto& in : inputs) {
      parts.push_back(std::move(in.body.runs[r]));
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
  if (timeline_out.wanted()) {
    std::vector<timeline_run> timelines;
    for (auto& run : merged.runs) {
      timelines.push_back(timeline_of(run));
      run.timeline = {}; // one copy in memory at a time: a timeline may hold a million spans
    }
    timeline_out.write(header, timelines);
  }
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
               "must be given once, all of the same run. With --timeline, their --timeline JSON files too.");
  app->add_option("inputs", settings->inputs,
                  "The shards' result files (overlap crawl --json), and with --timeline their timeline files "
                  "(overlap crawl --timeline FILE.json)")
      ->required();
  app->add_option("-o,--output", settings->output, "Write the merged result here (- for standard output)");
  app->add_option("--timeline", settings->timeline_file,
                  "Write the merged timeline here (.csv, .json, or --timeline-format): give every shard's "
                  "--timeline JSON file among the inputs; each span keeps its shard, on the whole run's clock");
  app->add_option("--timeline-format", settings->timeline_format, "csv, json or trace instead of the extension's");
  return {app, [settings] { return run_merge(*settings); }};
}

} // namespace overlap::cli
