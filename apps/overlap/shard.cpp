// overlap crawl --shard and --start-at: which part of the run this process makes, and when.
#include "shard.hpp"

#include "usage.hpp"

#include "overlap/crawl_shards.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace overlap::cli {

namespace {

/// The environment variable a Kubernetes Indexed Job gives each pod its index in.
constexpr const char* job_index_variable = "JOB_COMPLETION_INDEX";

shard_spec read_shard(const std::string& text) {
  if (text.starts_with("auto/")) {
    const char* index = std::getenv(job_index_variable);
    if (index == nullptr || *index == '\0') {
      throw usage_error("--shard " + text + ": " + job_index_variable +
                        " is not set (a Kubernetes Indexed Job sets it; elsewhere give the index: --shard I/K)");
    }
    return parse_shard_spec(std::string(index) + text.substr(4));
  }
  return parse_shard_spec(text);
}

} // namespace

void add_shard_options(CLI::App& app, shard_settings& s) {
  app.add_option("--shard", s.shard,
                 "Run shard I of K of the run (I from 0): N, C and --rate are split among the K shards, "
                 "remainders to the first ones; merge their --json files with overlap merge. auto/K takes I "
                 "from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)");
  app.add_option("--start-at", s.start_at,
                 "Start the first request at this wall-clock time, seconds since the Unix epoch or RFC 3339 UTC "
                 "(2026-12-02T03:30:00Z), so that shards started apart begin together (at most 1 h ahead)");
}

shard_plan shard_plan::read(const shard_settings& s) {
  shard_plan plan;
  try {
    if (!s.shard.empty()) {
      plan.shard = read_shard(s.shard);
    }
    if (!s.start_at.empty()) {
      plan.start_at = parse_start_time(s.start_at, std::chrono::system_clock::now());
    }
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  return plan;
}

void shard_plan::fill_in_index(std::string& url, std::string& urls_file, std::string& body_file, bool n_given) {
  try {
    per_shard = find_per_shard_target(url, urls_file, body_file, n_given, shard.has_value());
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  if (shard) {
    url = with_shard_index(url, shard->index);
    urls_file = with_shard_index(urls_file, shard->index);
    body_file = with_shard_index(body_file, shard->index);
  }
}

crawl_options shard_plan::options_for(const crawl_options& whole) const {
  crawl_options options = shard ? shard_options(whole, *shard, per_shard) : whole;
  options.start_at = start_at;
  return options;
}

void shard_plan::mark(const crawl_options& whole, crawl_result& result) const {
  if (!shard) {
    return;
  }
  crawl_options timed = whole;
  timed.start_at = start_at;
  result.shard = shard_run_of(timed, *shard, per_shard);
  const auto whole_n = result.shard->n ? std::to_string(*result.shard->n) : std::string("the shards' sum");
  std::printf("shard %zu of %zu: n=%zu c=%zu of the run's n=%s c=%zu, started at %.6f\n", shard->index, shard->count,
              result.n, result.concurrency, whole_n.c_str(), whole.concurrency, result.started_at);
  std::fflush(stdout);
}

} // namespace overlap::cli
