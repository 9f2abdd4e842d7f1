#pragma once
// How every result file writes a figure that may be missing: a number when there is a
// finite one, else null (no limit without a delay, no efficiency without a success).
#include <boost/json/value.hpp>

#include <cmath>
#include <optional>

namespace overlap::results {

inline boost::json::value number_or_null(const std::optional<double>& v) {
  if (v && std::isfinite(*v)) {
    return *v;
  }
  return nullptr;
}

} // namespace overlap::results
