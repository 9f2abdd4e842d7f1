// overlap: hide I/O wait, and measure how close a program gets to the limit.
#include "command.hpp"

#include "overlap/fd_limit.hpp"

#include <cstdio>
#include <exception>
#include <vector>

int main(int argc, char** argv) {
  overlap::raise_fd_limit(); // every connection is a descriptor: take all we may have

  CLI::App app{"overlap: overlap many network requests with each other and with CPU work,\n"
               "and measure how close that gets to the limit physics allows."};
  app.set_version_flag("--version", OVERLAP_VERSION);
  app.require_subcommand(1);
  std::vector<overlap::cli::command> commands{
      overlap::cli::add_serve_command(app),    overlap::cli::add_crawl_command(app),
      overlap::cli::add_workload_command(app), overlap::cli::add_sweep_command(app),
      overlap::cli::add_report_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "overlap: error: %s (see --help)\n", e.what());
    return 2;
  }

  for (auto& command : commands) {
    if (command.app->parsed()) {
      try {
        return command.run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "overlap %s: error: %s\n", command.app->get_name().c_str(), e.what());
        return 1;
      }
    }
  }
  return 2;
}
