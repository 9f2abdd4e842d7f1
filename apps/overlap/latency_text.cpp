#include "latency_text.hpp"

#include <cstdio>
#include <iostream>

namespace overlap::cli {

namespace {

void print_summary(const char* label, const latency_summary& l) {
  std::printf("  %s p50 %.2f, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f ms\n", label, l.p50_ms, l.p90_ms, l.p99_ms,
              l.p99_9_ms.value_or(l.max_ms), l.max_ms);
}

void print_spectrum(const char* title, const hdr_histogram& h) {
  std::printf("  %s\n", title);
  constexpr double shown[] = {50, 75, 90, 99, 99.9, 99.99, 99.999, 100};
  for (const double p : shown) {
    std::printf(" %7.3f%% %9.2fms\n", p, h.percentile_ms(p));
  }
  std::printf("\n  Detailed Percentile spectrum:\n");
  std::fflush(stdout);
  write_percentile_spectrum(std::cout, h);
  std::cout << "----------------------------------------------------------\n" << std::flush;
}

} // namespace

void print_open_model(const crawl_result& r) {
  if (!r.open_model) {
    return;
  }
  const auto& m = *r.open_model;
  const auto achieved = m.achieved_rate ? std::to_string(static_cast<long long>(*m.achieved_rate + 0.5)) : "n/a";
  std::printf("open model: %.6g req/s offered, %s achieved; %zu of %zu queued for a connection (C in flight), "
              "%zu started more than 1 ms late (the client's own lateness: p99 %.3f ms)\n",
              m.rate, achieved.c_str(), m.queued, r.n, m.late_starts, m.lateness_histogram.percentile_ms(99));
  print_summary("latency from when due (corrected):    ", m.corrected);
  print_summary("latency from when sent (uncorrected): ", r.latency);
  std::fflush(stdout);
}

void print_latency_spectra(const crawl_result& r) {
  const auto name = to_string(r.strategy);
  std::printf("\n%.*s:\n", static_cast<int>(name.size()), name.data());
  if (r.open_model) {
    print_spectrum("Latency Distribution (HdrHistogram - Recorded Latency)", r.open_model->corrected_histogram);
    print_spectrum("Uncorrected Latency (measured without taking delayed starts into account)", r.latency_histogram);
  } else {
    print_spectrum("Latency Distribution (HdrHistogram - Recorded Latency)", r.latency_histogram);
  }
}

} // namespace overlap::cli
