#pragma once
// Each subcommand lives in its own file and registers itself through one function.
#include "overlap/crawl.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace overlap::cli {

struct command {
  CLI::App* app;
  /// The exit status. A usage_error thrown is printed as one line and exits 2.
  std::function<int()> run;
};

command add_serve_command(CLI::App& parent);
command add_crawl_command(CLI::App& parent);
command add_workload_command(CLI::App& parent);
command add_sweep_command(CLI::App& parent);
command add_report_command(CLI::App& parent);
command add_merge_command(CLI::App& parent);

/// The crawl strategies' names in all_crawl_strategies() order, for --strategy.
std::vector<std::string> crawl_strategy_names();

/// Prints a crawl run as `overlap crawl` does: the book's Result line and the summary.
void print_crawl_run(const overlap::crawl_result& run);
/// Prints each shard of a merged run on a line of its own, named `noun` (shard, rank).
void print_shard_outcomes(const overlap::crawl_result& merged, const char* noun);

} // namespace overlap::cli
