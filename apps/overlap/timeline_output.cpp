// The --timeline file of every command that writes one.
#include "timeline_output.hpp"

#include "usage.hpp"

#include <stdexcept>

namespace overlap::cli {

timeline_output::timeline_output(const std::string& file, const std::string& format_name) {
  if (file.empty()) {
    return;
  }
  try {
    format_ = choose_timeline_format(format_name, file);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  file_ = output_file(file, "--timeline");
}

void timeline_output::write(const run_header& header, std::span<const timeline_run> runs) const {
  file_.write_with([&](std::ostream& out) { write_timeline(out, format_, header, runs); });
}

} // namespace overlap::cli
