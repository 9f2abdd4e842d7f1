// A crawl's shards: parsing "I/K", each shard's part of the options, the run's identity
// and the common start time.
#include "overlap/crawl_shards.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace overlap {

namespace {

std::size_t whole_number(std::string_view text, std::string_view what, std::string_view whole) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument("--shard " + std::string(whole) + ": the " + std::string(what) +
                                " is not a whole number (expected INDEX/COUNT, e.g. 0/4)");
  }
  return value;
}

/// N split among K: shard i gets N/K, and one more while i < N mod K.
std::size_t share_of(std::size_t total, shard_spec shard) {
  return total / shard.count + (shard.index < total % shard.count ? 1 : 0);
}

/// FNV-1a, 64 bits: a digest that is the same in every build and on every host.
void digest(std::uint64_t& h, std::string_view text) {
  for (const unsigned char c : text) {
    h = (h ^ c) * 0x100000001b3ULL;
  }
  h = (h ^ 0xff) * 0x100000001b3ULL; // a separator, so "ab"+"c" differs from "a"+"bc"
}

std::chrono::system_clock::time_point epoch_seconds_time(double seconds) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(seconds)));
}

/// "2026-12-02T03:30:00Z", "2026-12-02T03:30:00.250Z", "...+00:00"; nothing otherwise.
std::optional<std::chrono::system_clock::time_point> rfc3339_utc(std::string_view text) {
  std::string s(text);
  for (const std::string_view utc : {"Z", "z", "+00:00"}) {
    if (s.ends_with(utc)) {
      s.resize(s.size() - utc.size());
      int y = 0;
      unsigned mo = 0, d = 0, h = 0, mi = 0;
      double sec = 0;
      int used = 0;
      if (std::sscanf(s.c_str(), "%4d-%2u-%2u%*1[Tt ]%2u:%2u:%lf%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
          used != static_cast<int>(s.size()) || h > 23 || mi > 59 || !(sec >= 0 && sec < 61)) {
        return std::nullopt;
      }
      const std::chrono::year_month_day day{std::chrono::year(y), std::chrono::month(mo), std::chrono::day(d)};
      if (!day.ok()) {
        return std::nullopt;
      }
      const double since_midnight = h * 3600.0 + mi * 60.0 + sec;
      return std::chrono::sys_days(day) + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                              std::chrono::duration<double>(since_midnight));
    }
  }
  return std::nullopt;
}

/// The first option of `per_shard` that names {shard}, as the user wrote it.
std::string first_named(const per_shard_target& per_shard) {
  if (!per_shard.url.empty()) {
    return "--url " + per_shard.url;
  }
  return per_shard.urls_file.empty() ? "--body-file " + per_shard.body_file : "--urls " + per_shard.urls_file;
}

} // namespace

bool names_shard(std::string_view text) noexcept { return text.find(shard_placeholder) != std::string_view::npos; }

std::string with_shard_index(std::string_view text, std::size_t index) {
  const auto digits = std::to_string(index);
  std::string out;
  for (auto at = text.find(shard_placeholder); at != std::string_view::npos; at = text.find(shard_placeholder)) {
    out.append(text.substr(0, at)).append(digits);
    text.remove_prefix(at + shard_placeholder.size());
  }
  return out.append(text);
}

per_shard_target find_per_shard_target(const std::string& url, const std::string& urls_file,
                                       const std::string& body_file, bool n_given, bool sharded) {
  per_shard_target per_shard;
  per_shard.url = names_shard(url) ? url : std::string();
  per_shard.urls_file = names_shard(urls_file) ? urls_file : std::string();
  per_shard.body_file = names_shard(body_file) ? body_file : std::string();
  per_shard.own_list_once = !per_shard.urls_file.empty() && !n_given;
  if (!per_shard.empty() && !sharded) {
    throw std::invalid_argument(first_named(per_shard) +
                                ": {shard} is the shard's index, so it needs --shard I/K (or --mpi)");
  }
  return per_shard;
}

shard_spec parse_shard_spec(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    throw std::invalid_argument("--shard " + std::string(text) + ": expected INDEX/COUNT, e.g. 0/4");
  }
  shard_spec s;
  s.index = whole_number(text.substr(0, slash), "index", text);
  s.count = whole_number(text.substr(slash + 1), "count", text);
  if (s.count == 0 || s.count > max_shards) {
    throw std::invalid_argument("--shard " + std::string(text) + ": the count must be from 1 to " +
                                std::to_string(max_shards));
  }
  if (s.index >= s.count) {
    throw std::invalid_argument("--shard " + std::string(text) + ": the index must be below the count (shards 0 to " +
                                std::to_string(s.count - 1) + ")");
  }
  return s;
}

crawl_options shard_options(const crawl_options& whole, shard_spec shard, const per_shard_target& per_shard) {
  if (shard.count == 0 || shard.index >= shard.count) {
    throw std::invalid_argument("shard " + std::to_string(shard.index) + " of " + std::to_string(shard.count) +
                                " does not exist");
  }
  constexpr auto unlimited = std::numeric_limits<std::size_t>::max();
  const bool split_n = !per_shard.own_list_once;
  if (split_n && whole.n != unlimited && whole.n < shard.count) {
    throw std::invalid_argument("-n " + std::to_string(whole.n) + " cannot be split among " +
                                std::to_string(shard.count) + " shards: each needs at least one request");
  }
  if (whole.concurrency < shard.count) {
    throw std::invalid_argument("-c " + std::to_string(whole.concurrency) + " cannot be split among " +
                                std::to_string(shard.count) + " shards: each needs at least one in flight");
  }
  crawl_options part = whole;
  part.n = whole.n == unlimited || !split_n ? whole.n : share_of(whole.n, shard);
  part.concurrency = share_of(whole.concurrency, shard);
  if (whole.rate) {
    part.rate = *whole.rate / static_cast<double>(shard.count);
  }
  if (!whole.targets.empty() && per_shard.urls_file.empty()) { // a list of its own is not sliced
    // Request j of this shard is the whole run's request i + jK, which fetches target
    // (i + jK) mod size: that sequence repeats after size / gcd(size, K) requests.
    const std::size_t size = whole.targets.size();
    const std::size_t period = size / std::gcd(size, shard.count);
    part.targets.clear();
    for (std::size_t j = 0; j < period; ++j) {
      part.targets.push_back(whole.targets[(shard.index + j * shard.count) % size]);
    }
  }
  if (whole.seed != 0) {
    part.seed = whole.seed ^ ((shard.index + 1) * 0x9e3779b97f4a7c15ULL);
    part.seed = part.seed == 0 ? 1 : part.seed;
  }
  return part;
}

std::string target_identity(const crawl_options& options, const per_shard_target& per_shard) {
  if (!per_shard.urls_file.empty()) {
    return "urls per shard " + per_shard.urls_file;
  }
  if (!per_shard.url.empty()) {
    return "url per shard " + per_shard.url;
  }
  if (!options.targets.empty()) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const auto& t : options.targets) {
      digest(h, t.method);
      digest(h, t.url);
      digest(h, t.body ? "1" + *t.body : "0");
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    return "urls " + std::string(text);
  }
  return options.base_url.empty() ? "embedded" : "url " + options.base_url;
}

shard_run shard_run_of(const crawl_options& whole, shard_spec shard, const per_shard_target& per_shard) {
  shard_run run;
  run.shard = shard;
  run.target = target_identity(whole, per_shard);
  // Unbounded (--duration) or each shard's own list once: no shard knows the run's n.
  if (!per_shard.own_list_once && whole.n != std::numeric_limits<std::size_t>::max()) {
    run.n = whole.n;
  }
  run.concurrency = whole.concurrency;
  run.rate = whole.rate;
  if (whole.start_at) {
    run.start_at = std::chrono::duration<double>(whole.start_at->time_since_epoch()).count();
  }
  return run;
}

std::chrono::system_clock::time_point parse_start_time(std::string_view text, std::chrono::system_clock::time_point now,
                                                       std::chrono::seconds max_ahead, std::chrono::seconds max_late) {
  std::optional<std::chrono::system_clock::time_point> at;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (!text.empty() && ec == std::errc{} && end == text.data() + text.size() && std::isfinite(seconds) && seconds > 0 &&
      seconds < 1e11) {
    at = epoch_seconds_time(seconds);
  } else {
    at = rfc3339_utc(text);
  }
  if (!at) {
    throw std::invalid_argument("--start-at " + std::string(text) +
                                ": expected seconds since the Unix epoch or an RFC 3339 UTC time such as "
                                "2026-12-02T03:30:00Z");
  }
  const auto from_now = std::chrono::duration<double>(*at - now).count();
  if (*at > now + max_ahead) {
    char text_s[64];
    std::snprintf(text_s, sizeof text_s, "%.0f s from now", from_now);
    throw std::invalid_argument("--start-at " + std::string(text) + " is " + text_s + ": at most " +
                                std::to_string(max_ahead.count()) + " s ahead");
  }
  if (*at < now - max_late) {
    char text_s[64];
    std::snprintf(text_s, sizeof text_s, "%.1f s ago", -from_now);
    throw std::invalid_argument("--start-at " + std::string(text) + " was " + text_s +
                                ": the other shards have begun (give a time a little ahead)");
  }
  return *at;
}

} // namespace overlap
