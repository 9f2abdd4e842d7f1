#pragma once
// Counting from the server's own records how many requests were in service at once.
#include "overlap/delay_server.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace overlap::test {

/// The most records whose [start, end] intervals overlap at one moment (an interval
/// that ends exactly when another starts does not overlap it).
inline std::size_t most_overlapping(const std::vector<recorded_request>& records) {
  std::vector<std::pair<double, int>> events;
  for (const auto& r : records) {
    events.emplace_back(r.start, +1);
    events.emplace_back(r.end, -1);
  }
  std::sort(events.begin(), events.end()); // an end sorts before a start at the same time
  std::size_t now = 0;
  std::size_t most = 0;
  for (const auto& [t, step] : events) {
    now += step;
    most = std::max(most, now);
  }
  return most;
}

} // namespace overlap::test
