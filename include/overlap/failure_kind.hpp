#pragma once
// Why one HTTP request failed, in the five classes overlap counts and reports.
#include <array>
#include <cstddef>
#include <string_view>

namespace overlap {

/// The class of a failed request attempt.
/// - refused: the connection could not be made (refused, unreachable, no port left);
/// - reset: the connection broke while writing or reading (reset, closed early);
/// - timeout: no complete answer within the per-request timeout;
/// - status: a complete answer whose status is not 2xx;
/// - malformed: bytes that are not a valid HTTP/1.1 response (or over the size limits).
enum class failure_kind : unsigned char { refused, reset, timeout, status, malformed };

inline constexpr std::size_t failure_kind_count = 5;

inline constexpr std::array<failure_kind, failure_kind_count> all_failure_kinds{
    failure_kind::refused, failure_kind::reset, failure_kind::timeout, failure_kind::status, failure_kind::malformed};

/// The lower-case name used in output ("refused", "reset", ...).
constexpr std::string_view to_string(failure_kind kind) noexcept {
  constexpr std::array<std::string_view, failure_kind_count> names{"refused", "reset", "timeout", "status",
                                                                   "malformed"};
  return names[static_cast<std::size_t>(kind)];
}

/// Counts per failure kind, indexed by the enum.
using failure_counts = std::array<std::size_t, failure_kind_count>;

} // namespace overlap
