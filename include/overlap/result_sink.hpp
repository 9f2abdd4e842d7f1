#pragma once
// Where the workload saves its results: the book's slow "database" (POST /add).
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <string>

namespace overlap {

/// One save's answer as it came back: a transport error, or a status and body.
struct save_reply {
  boost::system::error_code ec; // refused, reset, timeout...: an expected outcome
  int status = 0;
  std::string body;
};

/// Saves one result. Implementations must be usable from the event loop that calls
/// them, with many saves in flight at once. `idempotency_key` identifies the result so
/// that a retry after a lost acknowledgement is not stored twice.
class result_sink {
public:
  virtual ~result_sink() = default;
  virtual boost::asio::awaitable<save_reply> save(const std::string& result, const std::string& idempotency_key) = 0;
  /// Called once after the last save: release what keeps the event loop busy (idle
  /// connections, their timers) so the run can end at once.
  virtual void close() {}
};

} // namespace overlap
