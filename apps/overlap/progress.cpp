#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace overlap::cli {

progress_line::progress_line() : enabled_(::isatty(STDERR_FILENO) == 1) {}

void progress_line::show(const std::string& text) {
  if (enabled_) {
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    std::fflush(stderr);
    shown_ = true;
  }
}

void progress_line::clear() {
  if (shown_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }
}

std::string progress_text(std::size_t done, std::size_t n, double seconds) {
  const double share = n > 0 ? static_cast<double>(done) / static_cast<double>(n) : 0;
  char eta[32] = "ETA ?";
  if (done > 0 && done <= n) {
    std::snprintf(eta, sizeof eta, "ETA %.1f s", seconds * static_cast<double>(n - done) / static_cast<double>(done));
  }
  char text[160];
  std::snprintf(text, sizeof text, "%zu/%zu (%.0f%%), %.1f s, %.0f/s, %s", done, n, 100.0 * share, seconds,
                seconds > 0 ? static_cast<double>(done) / seconds : 0.0, eta);
  return text;
}

} // namespace overlap::cli
