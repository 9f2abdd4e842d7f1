#pragma once
// Latencies in fixed memory with a known precision: a High Dynamic Range histogram
// (Gil Tene's HdrHistogram layout) of whole microseconds from 1 us to 1 hour at 3
// significant digits. Each power of two is cut into 1,024 equal buckets (2,048 below
// 2,048 us), so a recorded value is known to within 1/1,024 of itself (0.1%), whatever
// the count: 0.1 ms at 100 ms. Two histograms merge exactly (bucket counts add), which
// is what lets runs of many processes be summed later. 188 KiB each.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string_view>
#include <vector>

namespace overlap {

class hdr_histogram {
public:
  static constexpr std::uint64_t lowest_trackable_us = 1;
  static constexpr std::uint64_t highest_trackable_us = 3'600'000'000; // 1 hour
  static constexpr int significant_digits = 3;

  hdr_histogram();

  /// Records one latency, truncated to whole microseconds. Negative: 0; above the range:
  /// recorded as highest_trackable_us and counted in clamped().
  void record(std::chrono::nanoseconds latency) noexcept;
  /// Records `count` values of `us` microseconds (clamped as record does).
  void record_us(std::uint64_t us, std::uint64_t count = 1) noexcept;
  /// Adds every count of `other`: the result equals one histogram of both inputs.
  void merge(const hdr_histogram& other) noexcept;

  std::uint64_t count() const noexcept { return total_; }
  /// Values that were above highest_trackable_us (recorded as it).
  std::uint64_t clamped() const noexcept { return clamped_; }
  /// The exact smallest and largest values recorded (after clamping); 0 when empty.
  std::uint64_t min_us() const noexcept { return total_ == 0 ? 0 : min_us_; }
  std::uint64_t max_us() const noexcept { return max_us_; }
  /// Mean and standard deviation of the buckets' middles, as HdrHistogram computes them.
  double mean_us() const noexcept;
  double stddev_us() const noexcept;

  /// The value below or at which `percentile` (0-100) of the values lie: the highest
  /// value equivalent to the bucket of the ceil(percentile/100 x count)-th smallest
  /// value (the nearest rank), but never above max_us().
  /// 0 when empty. Within 1/1,024 of the exact percentile of the recorded values.
  std::uint64_t value_at_percentile(double percentile) const noexcept;
  /// value_at_percentile in milliseconds.
  double percentile_ms(double percentile) const noexcept;

  /// The smallest and largest values that share `us`'s bucket.
  static std::uint64_t lowest_equivalent_us(std::uint64_t us) noexcept;
  static std::uint64_t highest_equivalent_us(std::uint64_t us) noexcept;

  /// One bucket with counts, named by its lowest equivalent value: what a result file
  /// keeps, so that reading it back (record_us(value, count)) rebuilds the histogram.
  struct bucket {
    std::uint64_t value_us = 0;
    std::uint64_t count = 0;
    friend bool operator==(const bucket&, const bucket&) = default;
  };
  std::vector<bucket> nonzero_buckets() const;
  /// Sets the exact extremes and clamp count that buckets alone cannot carry (reading).
  void restore_extremes(std::uint64_t min_us, std::uint64_t max_us, std::uint64_t clamped) noexcept;

  /// One line of the percentile spectrum (HdrHistogram's percentile iteration).
  struct spectrum_line {
    double value_us = 0;     // the highest equivalent value of the level's bucket
    double percentile = 0;   // 0 to 1
    std::uint64_t total = 0; // values at or below value_us
  };
  /// The levels 0%, then `ticks_per_half_distance` steps for each halving of the
  /// distance to 100% (so 50%, 75%, 87.5% ... get finer), and 100% last.
  std::vector<spectrum_line> percentile_spectrum(unsigned ticks_per_half_distance = 5) const;

  static constexpr int bucket_count() noexcept { return buckets_; }
  static constexpr int sub_bucket_count() noexcept { return sub_buckets_; }

  friend bool operator==(const hdr_histogram& a, const hdr_histogram& b) noexcept;

private:
  static constexpr int sub_buckets_ = 2048;  // 2 x 10^3 rounded up to a power of two
  static constexpr int half_magnitude_ = 10; // log2(sub_buckets_ / 2)
  static constexpr int buckets_ = 22;        // 2048 x 2^21 > 1 hour in us
  static constexpr std::size_t counts_length_ = (buckets_ + 1) * (sub_buckets_ / 2);

  static std::size_t index_of(std::uint64_t us) noexcept;
  static std::uint64_t value_at_index(std::size_t index) noexcept;

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t clamped_ = 0;
  std::uint64_t min_us_ = UINT64_MAX;
  std::uint64_t max_us_ = 0;
};

/// Writes `h` as wrk2 prints its "Detailed Percentile spectrum" (HdrHistogram's classic
/// text, which its plotting tools read): a header, one line per level with the value in
/// milliseconds, the percentile, the count so far and 1/(1-percentile), then the
/// mean, deviation, maximum, count and layout as `#[...]` lines.
void write_percentile_spectrum(std::ostream& out, const hdr_histogram& h);

} // namespace overlap
