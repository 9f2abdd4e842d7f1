#pragma once
// The progress line of a long run: on standard error, redrawn in place, and only when
// standard error is a terminal (a file or a pipe gets the results alone).
#include <cstddef>
#include <string>

namespace overlap::cli {

class progress_line {
public:
  progress_line();

  bool enabled() const noexcept { return enabled_; }
  /// Replaces the line with `text`.
  void show(const std::string& text);
  /// Erases the line, if one was shown, so results print on a clean line.
  void clear();

private:
  bool enabled_ = false;
  bool shown_ = false;
};

/// "done/n (p%), ... ETA 3.2 s": the time left if the rest goes at the rate so far.
std::string progress_text(std::size_t done, std::size_t n, double seconds);

} // namespace overlap::cli
