#pragma once
// What every subcommand's options share: usage errors (exit status 2), whole numbers
// and durations checked with a message that names the mistake, and the nearest name
// for a misspelt subcommand or option.
#include <CLI/CLI.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace overlap::cli {

/// A usage problem found after parsing: one line, exit status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The candidate nearest to `word` when it is close enough to be a typo of it (a
/// prefix of it, or a few letters changed, added, removed or swapped).
std::optional<std::string> nearest_name(std::string_view word, std::span<const std::string> candidates);

/// Accepts a whole number from `min` to `max`: "abc" is "not a whole number", 99999
/// "out of range", each named as such (CLI11's Range calls both a range error).
CLI::Validator whole_number(long long min, long long max);

/// "500ms", "2s", "1.5s", "2m" or a plain number counted in `plain_unit`: nothing
/// unless it is a whole, non-negative number of milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::chrono::milliseconds plain_unit);

/// How a duration option reads and bounds its value.
struct duration_rule {
  std::chrono::milliseconds plain_unit{1}; // what a number without a unit counts
  std::chrono::milliseconds min{0};
  std::chrono::milliseconds max{std::chrono::hours(24)};
};

/// "2s" or "2000ms" for `d`, the shortest exact form.
std::string format_duration(std::chrono::milliseconds d);

/// An option that takes a duration with a unit (see parse_duration) into `target`,
/// its default shown in the help. `target` must outlive the parse.
CLI::Option* add_duration_option(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                                 duration_rule rule, const std::string& description);

/// The one line to print for a parse error of `argv`: an unknown command or option
/// names its nearest valid spelling.
std::string explain_parse_error(CLI::App& app, const CLI::ParseError& e, std::span<const char* const> args);

} // namespace overlap::cli
