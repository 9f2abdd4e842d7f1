#pragma once
// The delay server's request targets, decoded without I/O so they can be unit-tested
// and fuzzed: "/add?name=N&delay=MS", "/add?flush=True", "/metrics".
#include <chrono>
#include <string>
#include <string_view>

namespace overlap::server {

inline constexpr std::chrono::milliseconds default_delay{1024};
inline constexpr std::chrono::milliseconds max_delay{3'600'000}; // one hour

/// The arguments of `/add`, decoded (percent-encoding undone). Repeated keys: the
/// last one wins, as in tornado's get_argument.
struct add_arguments {
  std::string name;
  bool has_name = false;
  std::chrono::milliseconds delay = default_delay;
  bool flush = false;
};

/// A request target split into its path and, for /add, its arguments.
struct parsed_target {
  std::string path;
  add_arguments add;
  bool malformed = false;     // not an origin-form target, or bad percent-encoding
  bool invalid_delay = false; // `delay` present but not a valid number of milliseconds
};

/// Parses an origin-form target ("/path?query"). Never throws on bad input: it sets
/// `malformed` or `invalid_delay` instead.
/// `out` is reused across calls so its strings keep their capacity.
void parse_target(std::string_view target, parsed_target& out);

/// Parses a delay in milliseconds: a non-negative integer no larger than `max_delay`.
bool parse_delay(std::string_view text, std::chrono::milliseconds& out) noexcept;

/// The book's truthiness of `flush`: any value but "", "0", "false", "False".
bool flag_is_set(std::string_view value) noexcept;

} // namespace overlap::server
