#pragma once
// Latency percentiles in fixed memory (60 KiB): a log-linear histogram (as
// HdrHistogram does) of microseconds with 256 sub-buckets per power of two, so any
// percentile is within 1/256 (0.4%) of the truth, whatever the count: 0.4 ms at
// 100 ms. Up to 2^38 us (76 hours); the maximum is kept exactly.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace overlap::record {

class latency_histogram {
public:
  void add(std::chrono::nanoseconds latency) noexcept;
  std::uint64_t count() const noexcept { return count_; }
  /// The value at quantile q (0 < q <= 1) in milliseconds: the midpoint of the bucket
  /// holding the ceil(q x count)-th smallest value, but never above max_ms(). 0 if empty.
  double quantile_ms(double q) const noexcept;
  double max_ms() const noexcept { return static_cast<double>(max_us_) / 1e3; }

private:
  static constexpr unsigned sub_bits = 8;                       // 256 sub-buckets
  static constexpr std::uint64_t linear_limit = 2u << sub_bits; // 512: below it, 1 us each
  static constexpr std::size_t bucket_count = linear_limit + 30 * (1u << sub_bits);

  static std::size_t index_of(std::uint64_t us) noexcept;
  static double midpoint_us(std::size_t index) noexcept;

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
};

} // namespace overlap::record
