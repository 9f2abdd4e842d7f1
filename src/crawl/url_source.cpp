#include "crawl/url_source.hpp"

#include <array>
#include <random>

namespace overlap::crawl {

url_source::url_source(std::string target_prefix, std::uint64_t seed)
    : prefix_(std::move(target_prefix)), state_(seed != 0 ? seed : std::random_device{}() * 0x9E3779B97F4A7C15ull + 1) {
}

std::uint64_t url_source::next_random() noexcept {
  // splitmix64: fast, and plenty for cache-busting suffixes.
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void url_source::next_suffix(char* out) noexcept {
  // A partial Fisher-Yates shuffle of the alphabet: distinct letters, like the book's
  // random.sample(string.ascii_lowercase, 10).
  std::array<char, 26> letters{};
  for (std::size_t i = 0; i < letters.size(); ++i) {
    letters[i] = static_cast<char>('a' + i);
  }
  std::uint64_t bits = next_random();
  for (std::size_t k = 0; k < suffix_length; ++k) {
    const std::size_t remaining = letters.size() - k;
    const std::size_t pick = k + static_cast<std::size_t>(bits % remaining);
    bits /= remaining; // 26 x 25 x ... x 17 < 2^64: one random number is enough
    std::swap(letters[k], letters[pick]);
    out[k] = letters[k];
  }
}

void url_source::next_target(std::string& out) {
  out.assign(prefix_);
  char suffix[suffix_length];
  next_suffix(suffix);
  out.append(suffix, suffix_length);
}

} // namespace overlap::crawl
