// overlap: hide I/O wait, and measure how close a program gets to the limit.
#include "command.hpp"
#include "usage.hpp"

#include "overlap/fd_limit.hpp"

#include <boost/system/system_error.hpp>

#include <cstdio>
#include <exception>
#include <span>
#include <vector>

namespace {

/// Runs the parsed command; its errors become one line and an exit status.
int run(const overlap::cli::command& command) {
  const auto name = command.app->get_name();
  try {
    return command.run();
  } catch (const overlap::cli::usage_error& e) {
    std::fprintf(stderr, "overlap %s: error: %s\n", name.c_str(), e.what());
    return 2;
  } catch (const boost::system::system_error& e) {
    // what() ends with the source location in Boost: the code's message is enough.
    std::string what = e.what();
    const auto context = what.substr(0, what.find(": " + e.code().message()));
    std::fprintf(stderr, "overlap %s: error: %s: %s\n", name.c_str(), context.c_str(), e.code().message().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "overlap %s: error: %s\n", name.c_str(), e.what());
    return 1;
  }
}

} // namespace

int main(int argc, char** argv) {
  overlap::raise_fd_limit(); // every connection is a descriptor: take all we may have

  CLI::App app{"overlap: overlap many network requests with each other and with CPU work,\n"
               "and measure how close that gets to the limit physics allows."};
  app.set_version_flag("--version", OVERLAP_VERSION);
  app.require_subcommand(1);
  std::vector<overlap::cli::command> commands{
      overlap::cli::add_serve_command(app),    overlap::cli::add_crawl_command(app),
      overlap::cli::add_workload_command(app), overlap::cli::add_sweep_command(app),
      overlap::cli::add_report_command(app),   overlap::cli::add_merge_command(app),
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
    const std::span<const char* const> args(argv + 1, static_cast<std::size_t>(argc - 1));
    std::fprintf(stderr, "%s\n", overlap::cli::explain_parse_error(app, e, args).c_str());
    return 2;
  }

  for (const auto& command : commands) {
    if (command.app->parsed()) {
      return run(command);
    }
  }
  return 2;
}
