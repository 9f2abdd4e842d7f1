#include "overlap/retry_policy.hpp"

#include <algorithm>

namespace overlap {

std::chrono::milliseconds retry_policy::backoff(unsigned attempt) const noexcept {
  auto pause = first_backoff;
  for (unsigned i = 0; i < attempt && pause < max_backoff; ++i) {
    pause *= 2;
  }
  return std::min(pause, max_backoff);
}

bool retry_policy::retryable_status(int status) noexcept {
  return status == 408 || status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

std::optional<std::chrono::milliseconds>
retry_policy::next_pause(unsigned attempt, int status,
                         std::optional<std::chrono::milliseconds> retry_after) const noexcept {
  if (attempt >= retries || (status != 0 && !retryable_status(status))) {
    return std::nullopt;
  }
  auto pause = backoff(attempt);
  if (retry_after && (status == 429 || status == 503)) {
    pause = std::max(pause, std::min(*retry_after, max_retry_after));
  }
  return pause;
}

} // namespace overlap
