#include "server/utf8.hpp"

#include <cstdint>

namespace overlap::server {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

/// The length of the valid sequence starting at `i`, or 0 with `skip` set to the length
/// of its maximal invalid subpart (at least 1).
std::size_t valid_sequence(std::string_view text, std::size_t i, std::size_t& skip) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  skip = 1;
  if (lead < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF; // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF; // at most U+10FFFF
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= text.size()) {
      return 0;
    }
    const std::uint8_t b = byte(i + k);
    const bool in_range = k == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF);
    if (!in_range) {
      return 0;
    }
    skip = k + 1;
  }
  return length;
}

} // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<std::uint8_t>(text[i]) < 0x80) { // ASCII fast path
      ++i;
      continue;
    }
    std::size_t skip = 0;
    const std::size_t n = valid_sequence(text, i, skip);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

void replace_invalid_utf8(std::string& text) {
  if (is_valid_utf8(text)) {
    return;
  }
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t skip = 0;
    const std::size_t n = valid_sequence(text, i, skip);
    if (n == 0) {
      out += replacement;
      i += skip;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  text = std::move(out);
}

} // namespace overlap::server
