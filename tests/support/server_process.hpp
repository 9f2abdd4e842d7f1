#pragma once
// `overlap serve` as a child process, for tests that need what only a process has:
// its own descriptor limit, SIGKILL, its CPU time, its stderr.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace overlap::test {

/// The overlap binary this test suite was built with.
std::filesystem::path overlap_binary();

/// A loopback TCP port that was free a moment ago (bound to port 0, then closed), for
/// a server that must be restarted on the same port.
std::uint16_t free_port();

class server_process {
public:
  /// Starts `overlap serve --port 0 ARGS...` (without `--port 0` when ARGS has a
  /// `--port`, so a restarted server can come back on the same port) and waits (up to 10 s) for its
  /// "listening on" line. `fd_limit` > 0: the child's RLIMIT_NOFILE, soft and hard.
  /// Throws std::runtime_error if it does not start listening.
  explicit server_process(const std::vector<std::string>& args, std::uint64_t fd_limit = 0);
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;
  /// Kills (SIGKILL) and reaps the child if it still runs.
  ~server_process();

  std::uint16_t port() const noexcept { return port_; }
  pid_t pid() const noexcept { return pid_; }
  /// True while the child has not exited.
  bool running();
  /// How the child ended, once it has: its exit status, or 128 + the signal that
  /// ended it; -1 while it runs.
  int exit_status() const noexcept { return exit_status_; }
  /// Sends `signal`, then waits for the exit; returns the exit status, or 128 + the
  /// signal that ended it.
  int stop(int signal);
  /// Everything the child wrote to stderr so far.
  std::string stderr_text() const;
  /// User + system CPU seconds the child has used so far.
  double cpu_seconds() const;

private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int stdout_fd_ = -1;
  int exit_status_ = -1;
  std::filesystem::path stderr_file_;
};

} // namespace overlap::test
