#pragma once
// The book's URLs: a base URL plus 10 distinct random lowercase letters (the suffix
// defeats any cache between crawler and server). Generated on demand, never stored.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace overlap::crawl {

inline constexpr std::size_t suffix_length = 10;

class url_source {
public:
  /// `seed` 0 picks a random seed.
  url_source(std::string target_prefix, std::uint64_t seed);

  /// Replaces `out` with the next target: the prefix and a fresh suffix.
  void next_target(std::string& out);
  /// Writes a fresh suffix of suffix_length distinct letters a-z to `out`.
  void next_suffix(char* out) noexcept;
  const std::string& prefix() const noexcept { return prefix_; }

private:
  std::uint64_t next_random() noexcept;

  std::string prefix_;
  std::uint64_t state_;
};

} // namespace overlap::crawl
