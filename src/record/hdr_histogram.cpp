#include "overlap/hdr_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace overlap {

namespace {

// The power-of-two bucket of a value: 0 below 2,048 us (1 us steps), then one more
// for each doubling, each cut into 1,024 steps twice as wide as the last bucket's.
int bucket_of(std::uint64_t us) noexcept {
  constexpr std::uint64_t sub_bucket_mask = hdr_histogram::sub_bucket_count() - 1;
  return static_cast<int>(std::bit_width(us | sub_bucket_mask)) - std::bit_width(sub_bucket_mask);
}

} // namespace

hdr_histogram::hdr_histogram() : counts_(counts_length_, 0) {}

std::size_t hdr_histogram::index_of(std::uint64_t us) noexcept {
  const int bucket = bucket_of(us);
  const auto sub_bucket = static_cast<std::size_t>(us >> bucket); // in [1024, 2048) past bucket 0
  return (static_cast<std::size_t>(bucket + 1) << half_magnitude_) + sub_bucket - (sub_buckets_ / 2);
}

std::uint64_t hdr_histogram::value_at_index(std::size_t index) noexcept {
  int bucket = static_cast<int>(index >> half_magnitude_) - 1;
  std::uint64_t sub_bucket = (index & ((sub_buckets_ / 2) - 1)) + (sub_buckets_ / 2);
  if (bucket < 0) { // the first half of bucket 0
    sub_bucket -= sub_buckets_ / 2;
    bucket = 0;
  }
  return sub_bucket << bucket;
}

std::uint64_t hdr_histogram::lowest_equivalent_us(std::uint64_t us) noexcept { return value_at_index(index_of(us)); }

std::uint64_t hdr_histogram::highest_equivalent_us(std::uint64_t us) noexcept {
  return lowest_equivalent_us(us) + (std::uint64_t{1} << bucket_of(us)) - 1;
}

void hdr_histogram::record(std::chrono::nanoseconds latency) noexcept {
  record_us(static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count() / 1000)));
}

void hdr_histogram::record_us(std::uint64_t us, std::uint64_t count) noexcept {
  if (count == 0) {
    return;
  }
  if (us > highest_trackable_us) {
    us = highest_trackable_us;
    clamped_ += count;
  }
  counts_[index_of(us)] += count;
  total_ += count;
  min_us_ = std::min(min_us_, us);
  max_us_ = std::max(max_us_, us);
}

void hdr_histogram::merge(const hdr_histogram& other) noexcept {
  for (std::size_t i = 0; i < counts_length_; ++i) {
    counts_[i] += other.counts_[i];
  }
  total_ += other.total_;
  clamped_ += other.clamped_;
  min_us_ = std::min(min_us_, other.min_us_);
  max_us_ = std::max(max_us_, other.max_us_);
}

double hdr_histogram::mean_us() const noexcept {
  if (total_ == 0) {
    return 0;
  }
  double sum = 0;
  for (std::size_t i = 0; i < counts_length_; ++i) {
    if (counts_[i] != 0) {
      const auto low = value_at_index(i);
      const auto middle = static_cast<double>(low + ((std::uint64_t{1} << bucket_of(low)) >> 1));
      sum += middle * static_cast<double>(counts_[i]);
    }
  }
  return sum / static_cast<double>(total_);
}

double hdr_histogram::stddev_us() const noexcept {
  if (total_ == 0) {
    return 0;
  }
  const double mean = mean_us();
  double squares = 0;
  for (std::size_t i = 0; i < counts_length_; ++i) {
    if (counts_[i] != 0) {
      const auto low = value_at_index(i);
      const double deviation = static_cast<double>(low + ((std::uint64_t{1} << bucket_of(low)) >> 1)) - mean;
      squares += deviation * deviation * static_cast<double>(counts_[i]);
    }
  }
  return std::sqrt(squares / static_cast<double>(total_));
}

std::uint64_t hdr_histogram::value_at_percentile(double percentile) const noexcept {
  if (total_ == 0) {
    return 0;
  }
  // The nearest rank, with a hair taken off so that 99% of 1,000 is rank 990, not 991.
  const double exact = std::clamp(percentile, 0.0, 100.0) / 100 * static_cast<double>(total_);
  const auto rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(exact * (1 - 1e-12))), 1, total_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_length_; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::min(highest_equivalent_us(value_at_index(i)), max_us_);
    }
  }
  return max_us_;
}

double hdr_histogram::percentile_ms(double percentile) const noexcept {
  return static_cast<double>(value_at_percentile(percentile)) / 1e3;
}

std::vector<hdr_histogram::bucket> hdr_histogram::nonzero_buckets() const {
  std::vector<bucket> out;
  for (std::size_t i = 0; i < counts_length_; ++i) {
    if (counts_[i] != 0) {
      out.push_back({value_at_index(i), counts_[i]});
    }
  }
  return out;
}

void hdr_histogram::restore_extremes(std::uint64_t min_us, std::uint64_t max_us, std::uint64_t clamped) noexcept {
  if (total_ != 0) {
    min_us_ = min_us;
    max_us_ = max_us;
  }
  clamped_ = clamped;
}

std::vector<hdr_histogram::spectrum_line> hdr_histogram::percentile_spectrum(unsigned ticks_per_half_distance) const {
  std::vector<spectrum_line> lines;
  if (total_ == 0) {
    return lines;
  }
  const double ticks = std::max(1u, ticks_per_half_distance);
  double level = 0; // percent
  std::uint64_t seen = 0;
  double last_value = 0;
  for (std::size_t i = 0; i < counts_length_ && seen < total_; ++i) {
    if (counts_[i] == 0) {
      continue;
    }
    seen += counts_[i];
    last_value = static_cast<double>(highest_equivalent_us(value_at_index(i)));
    const double reached = 100.0 * static_cast<double>(seen) / static_cast<double>(total_);
    // Every level this bucket reaches, except that the bucket holding the last value
    // reports once (the 100% line follows).
    while (level <= reached) {
      lines.push_back({last_value, level / 100, seen});
      const double halvings = std::floor(std::log2(100 / (100 - level))) + 1;
      level += 100 / (ticks * std::exp2(halvings));
      if (seen == total_) {
        break;
      }
    }
  }
  lines.push_back({last_value, 1.0, total_});
  return lines;
}

bool operator==(const hdr_histogram& a, const hdr_histogram& b) noexcept {
  return a.total_ == b.total_ && a.clamped_ == b.clamped_ && a.min_us() == b.min_us() && a.max_us_ == b.max_us_ &&
         a.counts_ == b.counts_;
}

} // namespace overlap
