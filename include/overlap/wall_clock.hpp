#pragma once
// Wall-clock time as the book records it: seconds since the Unix epoch, as a double.
#include <chrono>

namespace overlap {

/// Seconds since the epoch (system clock) for a point in time.
double to_epoch_seconds(std::chrono::system_clock::time_point t) noexcept;

/// Seconds since the epoch, now.
double epoch_seconds_now() noexcept;

} // namespace overlap
