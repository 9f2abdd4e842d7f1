#pragma once
// A latency histogram as the HdrHistogram percentile plot draws it: latency against
// 1/(1 - percentile) on a log axis, so that 90%, 99%, 99.9% ... are equally spaced and
// the tail gets as much room as the median. Pure: tested against exact values.
#include "overlap/hdr_histogram.hpp"

#include <vector>

namespace overlap::report {

/// One curve: x[i] = 1/(1 - percentile), ms[i] the latency at or below which that share
/// of the requests lies. x ascends from 1 (0%). The levels are the histogram's
/// percentile_spectrum (the same lines `overlap crawl --latency` prints); the 100% line,
/// whose x is infinite, becomes the maximum at x = count (the percentile of the largest
/// of `count` values), or just after the last level when that is already further right.
/// No value is above the exact maximum (a level's bucket may reach past it).
/// Empty for an empty histogram (an old file, or a run in which nothing finished).
struct percentile_curve {
  std::vector<double> x;
  std::vector<double> ms;
};
percentile_curve shape_percentile_curve(const hdr_histogram& h, unsigned ticks_per_half_distance = 5);

} // namespace overlap::report
