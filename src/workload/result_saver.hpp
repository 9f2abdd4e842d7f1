#pragma once
// Saves results through a sink so that each is acknowledged exactly once: checks the
// answer, retries failures as the retry policy says, and counts what happened.
#include "overlap/failure_kind.hpp"
#include "overlap/result_sink.hpp"
#include "overlap/retry_policy.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace overlap::workload {

struct save_counts {
  std::uint64_t sent = 0;          // attempts, retries included
  std::uint64_t acknowledged = 0;  // results the sink confirmed
  std::uint64_t retried = 0;       // attempts after a failed one
  std::uint64_t failed = 0;        // results given up on after every retry
  failure_counts errors_by_kind{}; // every failed attempt, by kind
};

/// Why `reply` does not acknowledge `result`, or nothing if it does: the sink's own
/// failure kind, else `status` for a status that is not 2xx, else `mismatch` unless
/// the body is a JSON object whose "result" equals what was sent.
std::optional<failure_kind> reply_failure(const save_reply& reply, const std::string& result);

class result_saver {
public:
  result_saver(result_sink& sink, retry_policy policy);

  /// Saves `result` under `key`, retrying as the policy says. True once acknowledged;
  /// false if every attempt failed.
  /// Takes its strings by value: the coroutine keeps them alive across its retries.
  boost::asio::awaitable<bool> save(std::string result, std::string key);

  const save_counts& counts() const noexcept { return counts_; }

private:
  result_sink& sink_;
  retry_policy policy_;
  save_counts counts_;
};

} // namespace overlap::workload
