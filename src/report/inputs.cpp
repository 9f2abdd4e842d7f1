#include "report/inputs.hpp"

#include "overlap/report.hpp"

#include <fstream>
#include <sstream>

namespace overlap::report {

input parse_input(std::string_view text, const std::string& display_name) {
  try {
    return input{display_name, read_result_file(text, display_name)};
  } catch (const result_file_error& e) {
    throw report_input_error(e.what());
  }
}

input read_input(const std::filesystem::path& path) {
  const auto name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw report_input_error(name + ": is a directory, not a result file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw report_input_error(name + ": cannot open: " + std::generic_category().message(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    throw report_input_error(name + ": cannot read");
  }
  return parse_input(text.str(), name);
}

} // namespace overlap::report
