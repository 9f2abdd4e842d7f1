#include "report/percentile_curve.hpp"

#include <algorithm>

namespace overlap::report {

percentile_curve shape_percentile_curve(const hdr_histogram& h, unsigned ticks_per_half_distance) {
  percentile_curve c;
  const auto lines = h.percentile_spectrum(ticks_per_half_distance);
  if (lines.empty()) {
    return c;
  }
  // A level's value is the top of its bucket; the exact maximum is known, and no level
  // lies above it (as value_at_percentile never does).
  const auto max_us = static_cast<double>(h.max_us());
  for (const auto& line : lines) {
    if (line.percentile >= 1.0) {
      break; // the 100% line: its x is infinite, placed below
    }
    c.x.push_back(1.0 / (1.0 - line.percentile));
    c.ms.push_back(std::min(line.value_us, max_us) / 1e3);
  }
  // The largest of n values is the (1 - 1/n) percentile, x = n. A log axis needs a step
  // to the right of the last level, so never at or left of it.
  const double last_x = c.x.empty() ? 1.0 : c.x.back();
  c.x.push_back(std::max(static_cast<double>(h.count()), last_x * 1.01));
  c.ms.push_back(max_us / 1e3);
  return c;
}

} // namespace overlap::report
