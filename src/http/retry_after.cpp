#include "http/retry_after.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <string>

namespace overlap::http {

namespace {

using std::chrono::sys_seconds;

int month_number(const char* name) noexcept {
  static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (months[i] == name) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

struct date_fields {
  int year = 0, day = 0, hour = 0, minute = 0, second = 0;
  char weekday[16]{};
  char month[4]{};
};

/// The three forms RFC 9110 section 5.6.7 says a recipient must accept.
bool scan_date(const std::string& text, date_fields& f) {
  const int length = static_cast<int>(text.size());
  int end = -1;
  const char* s = text.c_str();
  if (std::sscanf(s, "%15[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", f.weekday, &f.day, f.month, &f.year, &f.hour,
                  &f.minute, &f.second, &end) == 7 &&
      end == length) {
    return true; // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  }
  end = -1;
  if (std::sscanf(s, "%15[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n", f.weekday, &f.day, f.month, &f.year, &f.hour,
                  &f.minute, &f.second, &end) == 7 &&
      end == length) {
    f.year += f.year < 70 ? 2000 : 1900; // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    return true;
  }
  end = -1;
  return std::sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", f.weekday, f.month, &f.day, &f.hour, &f.minute,
                     &f.second, &f.year, &end) == 7 &&
         end == length; // asctime: Sun Nov  6 08:49:37 1994
}

std::optional<sys_seconds> parse_http_date(std::string_view value) {
  date_fields f;
  if (!scan_date(std::string(value), f)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{f.year},
                                         std::chrono::month{static_cast<unsigned>(month_number(f.month))},
                                         std::chrono::day{static_cast<unsigned>(f.day)}};
  if (!date.ok() || f.hour > 23 || f.minute > 59 || f.second > 60 || f.hour < 0 || f.minute < 0 || f.second < 0) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date} + std::chrono::hours{f.hour} + std::chrono::minutes{f.minute} +
         std::chrono::seconds{f.second};
}

} // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  constexpr std::string_view blank = " \t\r\n";
  value.remove_prefix(std::min(value.size(), value.find_first_not_of(blank)));
  value = value.substr(0, value.find_last_not_of(blank) + 1);
  if (value.empty()) {
    return std::nullopt;
  }
  if (value.front() >= '0' && value.front() <= '9') {
    std::uint64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (end != value.data() + value.size() || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
      return std::nullopt;
    }
    constexpr std::uint64_t longest_seconds = 1'000'000'000; // about 31 years: any cap is far below
    const auto clamped = ec == std::errc{} && seconds < longest_seconds ? seconds : longest_seconds;
    return std::chrono::seconds{static_cast<long long>(clamped)};
  }
  const auto date = parse_http_date(value);
  if (!date) {
    return std::nullopt;
  }
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*date - now);
  return std::max(wait, std::chrono::milliseconds{0});
}

} // namespace overlap::http
