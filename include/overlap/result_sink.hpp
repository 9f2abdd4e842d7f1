#pragma once
// Where the workload saves its results: the book's slow "database" (POST /add).
#include "overlap/failure_kind.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace overlap {

/// One save's answer as it came back: a failure without a complete answer, or a
/// status and body.
struct save_reply {
  std::optional<failure_kind> failure; // refused, reset, timeout, malformed: no complete answer
  boost::system::error_code ec;        // the error behind `failure`, if there was one
  int status = 0;
  std::string body;
  std::optional<std::chrono::milliseconds> retry_after; // the answer's Retry-After, if valid
};

/// Saves one result. Implementations must be usable from the event loop that calls
/// them, with many saves in flight at once. `idempotency_key` identifies the result so
/// that a retry after a lost acknowledgement is not stored twice.
class result_sink {
public:
  virtual ~result_sink() = default;
  /// Takes its strings by value: the coroutine may first run after the caller's
  /// statement has ended, so it keeps its own copies.
  virtual boost::asio::awaitable<save_reply> save(std::string result, std::string idempotency_key) = 0;
  /// Called once after the last save: release what keeps the event loop busy (idle
  /// connections, their timers) so the run can end at once.
  virtual void close() {}
};

} // namespace overlap
