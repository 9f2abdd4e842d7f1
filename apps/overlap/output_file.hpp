#pragma once
// A file named on the command line for a command's results: checked before any work
// starts, so a bad path costs nothing; written whole at the end, to a temporary file
// beside it then renamed, so a reader never sees half a file and a failure leaves
// none behind. "-" means standard output.
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace overlap::cli {

class output_file {
public:
  /// No file asked for: wanted() is false and write does nothing.
  output_file() = default;
  /// `path` for `option` (named in messages). Throws usage_error when the path
  /// cannot be written: its directory is missing or not writable, or it is a directory.
  /// "-" takes standard output for the data: from then on, what the command prints
  /// for people (printf) goes to standard error, so the data can be piped.
  output_file(std::string path, std::string option);

  bool wanted() const noexcept { return !path_.empty(); }
  bool is_stdout() const noexcept { return path_ == "-"; }
  const std::string& path() const noexcept { return path_; }

  /// Writes `text` as the whole file. Throws std::runtime_error if it cannot.
  void write(std::string_view text) const;
  /// Writes what `fill` puts in the stream as the whole file (for large files written
  /// piece by piece). Throws std::runtime_error if it cannot.
  void write_with(const std::function<void(std::ostream&)>& fill) const;

private:
  std::string path_;
  std::string option_;
  int stdout_fd_ = -1; // the original standard output, when path_ is "-"
};

} // namespace overlap::cli
