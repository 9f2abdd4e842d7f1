#pragma once
// `--timeline FILE` with `--timeline-format NAME`, as crawl, workload and merge take it:
// the file and its format checked before any work starts, the timeline written at the
// end by the one timeline writer.
#include "output_file.hpp"

#include "overlap/timeline.hpp"

#include <span>
#include <string>

namespace overlap::cli {

class timeline_output {
public:
  /// No timeline asked for: wanted() is false and write does nothing.
  timeline_output() = default;
  /// `file` ("" for none) in `format_name` (csv, json, trace; "" or auto: the file's
  /// extension). Throws usage_error, one line, for an unwritable file or no format.
  timeline_output(const std::string& file, const std::string& format_name);

  bool wanted() const noexcept { return file_.wanted(); }
  bool is_stdout() const noexcept { return file_.is_stdout(); }

  /// Writes `runs` as the whole file. Throws std::runtime_error if it cannot.
  void write(const run_header& header, std::span<const timeline_run> runs) const;

private:
  output_file file_;
  timeline_format format_ = timeline_format::json;
};

} // namespace overlap::cli
