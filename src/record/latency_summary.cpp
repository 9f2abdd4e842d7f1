#include "overlap/crawl.hpp"

namespace overlap {

latency_summary summary_of(const hdr_histogram& h) {
  latency_summary s;
  s.p50_ms = h.percentile_ms(50);
  s.p90_ms = h.percentile_ms(90);
  s.p99_ms = h.percentile_ms(99);
  s.p99_9_ms = h.percentile_ms(99.9);
  s.p99_99_ms = h.percentile_ms(99.99);
  s.max_ms = static_cast<double>(h.max_us()) / 1e3;
  return s;
}

} // namespace overlap
