#pragma once
// Each subcommand lives in its own file and registers itself through one function.
#include <CLI/CLI.hpp>

#include <functional>

namespace overlap::cli {

struct command {
  CLI::App* app;
  std::function<int()> run; // the exit status
};

command add_serve_command(CLI::App& parent);
command add_crawl_command(CLI::App& parent);
command add_workload_command(CLI::App& parent);
command add_sweep_command(CLI::App& parent);
command add_report_command(CLI::App& parent);

} // namespace overlap::cli
