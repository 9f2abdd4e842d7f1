#include "record/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace overlap::record {

std::size_t latency_histogram::index_of(std::uint64_t us) noexcept {
  if (us < linear_limit) {
    return static_cast<std::size_t>(us);
  }
  // shift makes (us >> shift) fall in [64, 128): the top 7 bits of the value.
  const unsigned shift = static_cast<unsigned>(std::bit_width(us)) - (sub_bits + 1);
  const std::size_t index = linear_limit + (shift - 1) * (1u << sub_bits) + ((us >> shift) - (1u << sub_bits));
  return std::min(index, bucket_count - 1);
}

double latency_histogram::midpoint_us(std::size_t index) noexcept {
  if (index < linear_limit) {
    return static_cast<double>(index);
  }
  const std::size_t above = index - linear_limit;
  const unsigned shift = static_cast<unsigned>(above >> sub_bits) + 1;
  const std::uint64_t top = (above & ((1u << sub_bits) - 1)) + (1u << sub_bits);
  const double low = static_cast<double>(top << shift);
  return low + static_cast<double>((std::uint64_t{1} << shift) - 1) / 2;
}

void latency_histogram::add(std::chrono::nanoseconds latency) noexcept {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count() / 1000));
  ++buckets_[index_of(us)];
  ++count_;
  max_us_ = std::max(max_us_, us);
}

double latency_histogram::quantile_ms(double q) const noexcept {
  if (count_ == 0) {
    return 0;
  }
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return std::min(midpoint_us(i), static_cast<double>(max_us_)) / 1e3;
    }
  }
  return max_ms();
}

} // namespace overlap::record
