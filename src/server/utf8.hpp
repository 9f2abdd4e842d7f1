#pragma once
// Text the server writes into JSON (names, POST bodies, idempotency keys) must be valid
// UTF-8, or one request spoils a whole file for every JSON reader. Invalid bytes are
// replaced, not escaped: JSON has no escape for a raw byte.
#include <string>
#include <string_view>

namespace overlap::server {

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// Replaces each maximal invalid subsequence of `text` with U+FFFD (the Unicode
/// standard's "substitution of maximal subparts", as Python's errors="replace" does).
/// Valid text is left untouched and costs no allocation.
void replace_invalid_utf8(std::string& text);

} // namespace overlap::server
