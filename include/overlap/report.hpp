#pragma once
// overlap report: result and timeline files of crawl, workload and sweep drawn as one
// self-contained HTML page (charting library, script, styles and data inlined).
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace overlap {

/// An input that cannot be drawn: unreadable, not JSON, an unknown "command" or "kind",
/// or a required field missing or of the wrong type. what() is one line that names the
/// file and, where there is one, the field (`runs[2].seconds`).
class report_input_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Reads and validates every file, in order, and returns the HTML page that draws them.
/// The page needs no network: nothing is loaded from anywhere when it opens.
/// Throws report_input_error for the first file that cannot be drawn.
std::string render_report(const std::vector<std::filesystem::path>& files);

} // namespace overlap
