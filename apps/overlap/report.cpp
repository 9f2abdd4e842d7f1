// overlap report: draw result and timeline files as one self-contained HTML page.
#include "command.hpp"
#include "output_file.hpp"

#include "overlap/report.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace overlap::cli {

namespace {

struct report_settings {
  std::vector<std::string> inputs;
  std::string output = "report.html";
};

int run_report(const report_settings& s) {
  const output_file out(s.output, "-o"); // checked before any input is read
  std::string html;
  try {
    html = render_report({s.inputs.begin(), s.inputs.end()});
  } catch (const report_input_error& e) {
    std::fprintf(stderr, "overlap report: error: %s\n", e.what());
    return 2;
  }
  out.write(html); // beside the target, then renamed: a reader never sees half a page
  if (!out.is_stdout()) {
    std::printf("%s\n", std::filesystem::absolute(s.output).lexically_normal().c_str());
  }
  return 0;
}

} // namespace

command add_report_command(CLI::App& parent) {
  auto settings = std::make_shared<report_settings>();
  auto* app = parent.add_subcommand(
      "report", "Draw result and timeline files (crawl, workload, sweep --json/--timeline) as one HTML page "
                "that opens from disk with no network.");
  app->add_option("inputs", settings->inputs, "Result or timeline JSON files, drawn in the order given")->required();
  app->add_option("-o,--output", settings->output, "The HTML file to write (- for standard output)")
      ->capture_default_str();
  return {app, [settings] { return run_report(*settings); }};
}

} // namespace overlap::cli
