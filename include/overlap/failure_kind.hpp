#pragma once
// Why one request failed: the one set of failure classes that every client in overlap
// (the five crawl strategies, the workload's saves) counts and reports.
#include <array>
#include <cstddef>
#include <string_view>

namespace overlap {

/// The class of a failed request attempt.
/// - refused: the connection could not be made (refused, unreachable, no port left);
/// - reset: the connection broke while writing or reading, or closed before the whole
///   answer (also in the middle of its status line or headers);
/// - timeout: no complete answer within the per-request timeout;
/// - status: a complete answer whose status is not 2xx;
/// - malformed: bytes that are not a valid HTTP/1.1 response, or over the size limits;
/// - mismatch: a complete 2xx answer that does not say what was asked (the workload:
///   the answer does not echo the saved result);
/// - tls: the TLS handshake failed (a certificate that does not verify, no common
///   protocol version or cipher); the message carries OpenSSL's reason.
/// Interim 1xx answers are skipped, never counted. An answer that never ends is
/// `malformed` once its body passes the body limit, `timeout` if the deadline comes
/// first: every strategy applies both limits, so they agree on which.
/// A new kind goes at the end of the enum and of both arrays below, so that the
/// numbering of the others stays.
enum class failure_kind : unsigned char { refused, reset, timeout, status, malformed, mismatch, tls };

inline constexpr std::size_t failure_kind_count = 7;

/// Every kind, in the order writers list them.
inline constexpr std::array<failure_kind, failure_kind_count> all_failure_kinds{
    failure_kind::refused,   failure_kind::reset,    failure_kind::timeout, failure_kind::status,
    failure_kind::malformed, failure_kind::mismatch, failure_kind::tls};

/// The lower-case name used in output ("refused", "reset", ...).
constexpr std::string_view to_string(failure_kind kind) noexcept {
  constexpr std::array<std::string_view, failure_kind_count> names{"refused",   "reset",    "timeout", "status",
                                                                   "malformed", "mismatch", "tls"};
  return names[static_cast<std::size_t>(kind)];
}

/// Counts per failure kind, indexed by the enum.
using failure_counts = std::array<std::size_t, failure_kind_count>;

/// The count of `kind` in `counts`.
constexpr std::size_t& count_of(failure_counts& counts, failure_kind kind) noexcept {
  return counts[static_cast<std::size_t>(kind)];
}
constexpr std::size_t count_of(const failure_counts& counts, failure_kind kind) noexcept {
  return counts[static_cast<std::size_t>(kind)];
}

} // namespace overlap
