#include "usage.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

namespace overlap::cli {

namespace {

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool is_option_token(std::string_view token) {
  return token.size() > 1 && token[0] == '-' && !(std::isdigit(static_cast<unsigned char>(token[1])) != 0);
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
    for (const auto& name : option->get_snames()) {
      names.push_back("-" + name);
    }
  }
  return names;
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  const auto nearest = nearest_name(word, candidates);
  return nearest ? "; did you mean " + *nearest + "?" : "";
}

/// The first option of `sub` in `args` that it does not know, explained.
std::optional<std::string> unknown_option(const CLI::App& sub, std::span<const char* const> args) {
  const auto names = option_names(sub);
  for (const char* arg : args) {
    const std::string_view token(arg);
    if (token == "--") {
      break;
    }
    if (!is_option_token(token)) {
      continue;
    }
    const auto name = std::string(token.substr(0, token.find('=')));
    const bool known = std::ranges::any_of(names, [&](const std::string& n) {
      // A short option may carry its value: "-n10".
      return n == name || (n.size() == 2 && name.size() > 2 && name[1] != '-' && name.starts_with(n));
    });
    if (!known) {
      return "unknown option " + name + did_you_mean(name, names);
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> nearest_name(std::string_view word, std::span<const std::string> candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const bool prefix = word.size() >= 3 && candidate.starts_with(word);
    const auto distance = prefix ? 1 : edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

CLI::Validator whole_number(long long min, long long max) {
  const auto range = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        long long value = 0;
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc::result_out_of_range) {
          return "'" + text + "' is out of range (" + range + ")";
        }
        if (ec != std::errc() || ptr != end) {
          return "'" + text + "' is not a whole number";
        }
        if (value < min || value > max) {
          return "'" + text + "' is out of range (" + range + ")";
        }
        return {};
      },
      "INT in " + range, "whole_number");
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::chrono::milliseconds plain_unit) {
  double number = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc() || !std::isfinite(number) || number < 0) {
    return std::nullopt;
  }
  const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  double unit_ms = 0;
  if (unit.empty()) {
    unit_ms = static_cast<double>(plain_unit.count());
  } else if (unit == "ms") {
    unit_ms = 1;
  } else if (unit == "s") {
    unit_ms = 1000;
  } else if (unit == "m" || unit == "min") {
    unit_ms = 60'000;
  } else {
    return std::nullopt;
  }
  const double ms = number * unit_ms;
  if (ms > 1e15 || std::abs(ms - std::round(ms)) > 1e-6) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(std::llround(ms));
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  return ms != 0 && ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

CLI::Option* add_duration_option(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                                 duration_rule rule, const std::string& description) {
  const std::string plain = rule.plain_unit == std::chrono::seconds(1) ? "seconds" : "milliseconds";
  auto* option = app.add_option_function<std::string>(
      name, [&target, rule](const std::string& text) { target = *parse_duration(text, rule.plain_unit); },
      description + " (a duration: 500ms, 2s; a plain number is " + plain + ")");
  option->check(CLI::Validator(
      [rule, plain](std::string& text) -> std::string {
        const auto d = parse_duration(text, rule.plain_unit);
        if (!d) {
          return "'" + text + "' is not a duration: give a whole number of milliseconds, e.g. 500ms or 2s (a " +
                 "plain number is " + plain + ")";
        }
        if (*d < rule.min || *d > rule.max) {
          return "'" + text + "' is out of range: from " + format_duration(rule.min) + " to " +
                 format_duration(rule.max);
        }
        return {};
      },
      "DURATION", "duration"));
  option->default_str(format_duration(target));
  return option;
}

std::string explain_parse_error(CLI::App& app, const CLI::ParseError& e, std::span<const char* const> args) {
  std::vector<std::string> commands;
  for (const auto* sub : app.get_subcommands({})) {
    commands.push_back(sub->get_name());
  }
  const auto first = std::ranges::find_if(args, [](const char* a) { return !is_option_token(a); });
  if (first == args.end()) {
    if (auto unknown = unknown_option(app, args)) {
      return "overlap: error: " + *unknown + " (see overlap --help)";
    }
    return "overlap: error: name a command: " + CLI::detail::join(commands, ", ") + " (see overlap --help)";
  }
  CLI::App* sub = nullptr;
  try {
    sub = app.get_subcommand(*first);
  } catch (const CLI::OptionNotFound&) {
    return "overlap: error: unknown command '" + std::string(*first) + "'" + did_you_mean(*first, commands) +
           " (commands: " + CLI::detail::join(commands, ", ") + ")";
  }
  const auto prefix = "overlap " + sub->get_name() + ": error: ";
  const auto rest = args.subspan(static_cast<std::size_t>(first - args.begin()) + 1);
  if (const auto* extras = dynamic_cast<const CLI::ExtrasError*>(&e)) {
    if (auto unknown = unknown_option(*sub, rest)) {
      return prefix + *unknown + " (see overlap " + sub->get_name() + " --help)";
    }
    return prefix + extras->what() + " (see overlap " + sub->get_name() + " --help)";
  }
  return prefix + e.what() + " (see overlap " + sub->get_name() + " --help)";
}

} // namespace overlap::cli
