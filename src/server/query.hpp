#pragma once
// The delay server's request targets, decoded without I/O so they can be unit-tested
// and fuzzed: "/add?name=N&delay=MS", "/add?flush=True[&reset=True]", "/metrics".
#include <chrono>
#include <string>
#include <string_view>

namespace overlap::server {

inline constexpr std::chrono::milliseconds default_delay{1024};
inline constexpr std::chrono::milliseconds max_delay{3'600'000}; // one hour
/// The longest name recorded, in bytes once decoded: names are kept in memory.
inline constexpr std::size_t max_name_bytes = 256;

/// The arguments of `/add`, decoded (percent-encoding undone). Repeated keys: the
/// last one wins, as in tornado's get_argument. A name that is not valid UTF-8 has
/// each invalid byte sequence replaced by U+FFFD, so that it can go into JSON.
struct add_arguments {
  std::string name;
  bool has_name = false;
  std::chrono::milliseconds delay = default_delay;
  bool flush = false;
  bool reset = false; // with flush: the records are emptied once written
};

/// A request target split into its path and, for /add, its arguments.
struct parsed_target {
  std::string path;
  add_arguments add;
  bool malformed = false;     // not an origin-form target, or bad percent-encoding
  bool invalid_delay = false; // `delay` present but not a valid number of milliseconds
  bool name_too_long = false; // `name` longer than max_name_bytes once decoded
};

/// Parses an origin-form target ("/path?query") or an absolute-form one
/// ("http://host/path?query", which RFC 9112 3.2.2 says a server must accept). Never
/// throws on bad input: it sets `malformed`, `invalid_delay` or `name_too_long` instead.
/// `out` is reused across calls so its strings keep their capacity.
void parse_target(std::string_view target, parsed_target& out);

/// Parses a delay in milliseconds: a non-negative integer no larger than `max_delay`.
bool parse_delay(std::string_view text, std::chrono::milliseconds& out) noexcept;

/// The book's truthiness of `flush`: any value but "", "0", "false", "False".
bool flag_is_set(std::string_view value) noexcept;

} // namespace overlap::server
