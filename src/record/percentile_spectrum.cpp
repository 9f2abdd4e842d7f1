// HdrHistogram's classic percentile text, as wrk2 prints it after "Detailed Percentile
// spectrum:"; the HdrHistogram plotter reads these columns. Values in milliseconds.
#include "overlap/hdr_histogram.hpp"

#include <cstdio>
#include <ostream>

namespace overlap {

namespace {

template <class... Args> void print(std::ostream& out, const char* format, Args... args) {
  char line[160];
  const int length = std::snprintf(line, sizeof line, format, args...);
  out.write(line, std::min<std::streamsize>(length, static_cast<std::streamsize>(sizeof line - 1)));
}

} // namespace

void write_percentile_spectrum(std::ostream& out, const hdr_histogram& h) {
  print(out, "%12s %12s %12s %12s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
  for (const auto& line : h.percentile_spectrum(5)) {
    // At 100% the last column is 1/0: printed as "inf", as the reference tools do.
    print(out, "%12.3f %12f %12llu %12.2f\n", line.value_us / 1e3, line.percentile,
          static_cast<unsigned long long>(line.total), 1.0 / (1.0 - line.percentile));
  }
  print(out, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", h.mean_us() / 1e3, h.stddev_us() / 1e3);
  print(out, "#[Max     = %12.3f, Total count    = %12llu]\n", static_cast<double>(h.max_us()) / 1e3,
        static_cast<unsigned long long>(h.count()));
  print(out, "#[Buckets = %12d, SubBuckets     = %12d]\n", hdr_histogram::bucket_count(),
        hdr_histogram::sub_bucket_count());
}

} // namespace overlap
