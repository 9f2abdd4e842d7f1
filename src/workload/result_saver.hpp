#pragma once
// Saves results through a sink so that each is acknowledged exactly once: checks the
// answer, retries failures with backoff, and counts what happened.
#include "overlap/result_sink.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace overlap::workload {

struct save_counts {
  std::uint64_t sent = 0;                              // attempts, retries included
  std::uint64_t acknowledged = 0;                      // results the sink confirmed
  std::uint64_t retried = 0;                           // attempts after a failed one
  std::uint64_t failed = 0;                            // results given up on after every retry
  std::map<std::string, std::uint64_t> errors_by_kind; // refused, reset, timeout, status, mismatch, ...
};

/// The kind of a failed attempt, for counting: "refused", "reset", "timeout",
/// "status", "mismatch", or the error's own message.
std::string failure_kind(const save_reply& reply, bool mismatched);

/// True when a reply acknowledges `result`: status 2xx and a JSON body whose
/// "result" equals what was sent.
bool acknowledges(const save_reply& reply, const std::string& result);

class result_saver {
public:
  result_saver(result_sink& sink, unsigned retries, std::chrono::milliseconds first_backoff);

  /// Saves `result` under `key`, retrying up to `retries` times with doubling
  /// backoff. True once acknowledged; false if every attempt failed.
  boost::asio::awaitable<bool> save(const std::string& result, const std::string& key);

  const save_counts& counts() const noexcept { return counts_; }

private:
  result_sink& sink_;
  unsigned retries_;
  std::chrono::milliseconds first_backoff_;
  save_counts counts_;
};

} // namespace overlap::workload
