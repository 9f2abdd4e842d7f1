#pragma once
// Raising the open-file limit: every connection costs a descriptor, and the default
// soft limit (1024) would stop a server or crawler long before 10,000 connections.
#include <cstdint>

namespace overlap {

struct fd_limits {
  std::uint64_t soft;
  std::uint64_t hard;
};

/// Raises the soft RLIMIT_NOFILE to the hard limit (the most an unprivileged process
/// may ask for) and returns the limits now in force. Never throws; on failure the
/// limits are returned unchanged.
fd_limits raise_fd_limit() noexcept;

} // namespace overlap
