#pragma once
// The `Retry-After` header (RFC 9110 section 10.2.3): a number of seconds or an
// HTTP-date.
#include <chrono>
#include <optional>
#include <string_view>

namespace overlap::http {

/// How long `value` asks to wait, counted from `now` for a date (a date already past
/// asks for no wait). Nothing if it is neither a non-negative number of seconds nor an
/// HTTP-date (IMF-fixdate, the obsolete RFC 850 form, or asctime's).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

} // namespace overlap::http
