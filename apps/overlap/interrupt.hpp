#pragma once
// Ctrl-C for the commands that run work (crawl, workload, sweep), as wrk and hey do:
// the first SIGINT asks the run to stop starting new work, so it finishes what is in
// flight and the command prints and writes what ran, marked interrupted; a second
// SIGINT exits at once with status 130.
#include <csignal>
#include <functional>

namespace overlap::cli {

/// Installs the handler for its lifetime (one at a time); the previous one is
/// restored when it ends.
class interrupt_guard {
public:
  interrupt_guard();
  ~interrupt_guard();
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;

  /// Whether a SIGINT has come. Async-signal-safe and thread-safe.
  static bool requested() noexcept;
  /// requested, as the library's stop_requested hooks take it.
  static std::function<bool()> hook() { return &requested; }

private:
  struct sigaction previous_ {};
};

/// The exit status of a run that was interrupted (128 + SIGINT, as shells report it).
inline constexpr int interrupted_status = 130;

} // namespace overlap::cli
