// overlap report: draw result and timeline files as one self-contained HTML page.
#include "command.hpp"

#include "overlap/report.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
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
  std::string html;
  try {
    html = render_report({s.inputs.begin(), s.inputs.end()});
  } catch (const report_input_error& e) {
    std::fprintf(stderr, "overlap report: error: %s\n", e.what());
    return 2;
  }
  // Write beside the target and rename, so a reader never sees half a page.
  const std::filesystem::path out = s.output;
  auto partial = out;
  partial += ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file.write(html.data(), static_cast<std::streamsize>(html.size()));
    file.close();
    if (!file) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      std::fprintf(stderr, "overlap report: error: cannot write %s\n", s.output.c_str());
      return 1;
    }
  }
  std::filesystem::rename(partial, out);
  std::printf("%s\n", std::filesystem::absolute(out).lexically_normal().c_str());
  return 0;
}

} // namespace

command add_report_command(CLI::App& parent) {
  auto settings = std::make_shared<report_settings>();
  auto* app = parent.add_subcommand(
      "report", "Draw result and timeline files (crawl, workload, sweep --json/--timeline) as one HTML page "
                "that opens from disk with no network.");
  app->add_option("inputs", settings->inputs, "Result or timeline JSON files, drawn in the order given")->required();
  app->add_option("-o,--output", settings->output, "The HTML file to write")->capture_default_str();
  return {app, [settings] { return run_report(*settings); }};
}

} // namespace overlap::cli
