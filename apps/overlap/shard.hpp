#pragma once
// `overlap crawl --shard I/K --start-at TIME`: one shard of a run spread over many
// processes, begun at a common time. The splitting itself is the library's
// (overlap/crawl_shards.hpp); this reads the options and the environment.
#include "overlap/crawl.hpp"
#include "overlap/crawl_shards.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace overlap::cli {

struct shard_settings {
  std::string shard;    // "I/K" or "auto/K"; empty: the whole run
  std::string start_at; // empty: at once
};

/// Adds --shard and --start-at to `app`, read into `s` (which must outlive the parse).
void add_shard_options(CLI::App& app, shard_settings& s);

/// What --shard and --start-at asked for, checked (throws usage_error, one line).
struct shard_plan {
  std::optional<shard_spec> shard;
  std::optional<std::chrono::system_clock::time_point> start_at;
  /// The options that named {shard}, as written (empty: every shard has one target).
  per_shard_target per_shard;

  /// `auto/K` takes the index from JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it.
  static shard_plan read(const shard_settings& s);
  /// Replaces {shard} in `url`, `urls_file` and `body_file` by this shard's index,
  /// keeping the options as written in per_shard; `n_given`: -n or --duration was
  /// given. Throws usage_error, one line, for {shard} without a shard.
  void fill_in_index(std::string& url, std::string& urls_file, std::string& body_file, bool n_given);
  /// The options this process runs: its shard's part of `whole`, starting at start_at.
  crawl_options options_for(const crawl_options& whole) const;
  /// Marks `result` as this shard's part of `whole` and says so in one line.
  void mark(const crawl_options& whole, crawl_result& result) const;
};

} // namespace overlap::cli
