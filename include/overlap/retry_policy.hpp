#pragma once
// When a failed request is tried again: the one retry policy of every client in
// overlap (the crawl strategies and the workload's saves).
#include <chrono>
#include <optional>

namespace overlap {

/// Exponential backoff with a cap, and a server's `Retry-After` honoured on 429 and
/// 503 answers (capped too: a server cannot stall a client for long).
struct retry_policy {
  /// Further attempts after a failed one (0: one attempt only).
  unsigned retries = 2;
  /// The pause before the first retry; it doubles for each further one.
  std::chrono::milliseconds first_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
  /// The longest pause a `Retry-After` may ask for.
  std::chrono::milliseconds max_retry_after{10'000};

  /// The pause before retry number `attempt` + 1 (attempt counts from 0):
  /// first_backoff x 2^attempt, at most max_backoff.
  std::chrono::milliseconds backoff(unsigned attempt) const noexcept;

  /// Whether a failed answer with `status` may succeed if asked again: 408, 429 and
  /// 5xx except 501 and 505 (a 404 or a 400 will be the same answer next time).
  static bool retryable_status(int status) noexcept;

  /// After attempt number `attempt` (from 0) failed with `status` (0 without a
  /// complete answer) and the answer's `Retry-After` (if it had one): nothing if that
  /// was the last attempt or the status is not retryable_status, else the pause before
  /// the next one. A Retry-After counts only on 429 and 503, and lengthens the backoff
  /// up to max_retry_after.
  std::optional<std::chrono::milliseconds>
  next_pause(unsigned attempt, int status, std::optional<std::chrono::milliseconds> retry_after) const noexcept;
};

} // namespace overlap
