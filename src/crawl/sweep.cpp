#include "overlap/sweep.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

namespace overlap {

namespace {

std::size_t parse_count(std::string_view text, const char* what) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument(std::string(what) + " '" + std::string(text) + "' is not a whole number");
  }
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) {
      return parts;
    }
    start = at + 1;
  }
}

constexpr std::size_t max_concurrency = 10'000;

} // namespace

std::vector<std::size_t> parse_concurrency_spec(std::string_view spec) {
  std::vector<std::size_t> out;
  const auto range = split(spec, ':');
  if (range.size() == 3) {
    const auto start = parse_count(range[0], "concurrency start");
    const auto stop = parse_count(range[1], "concurrency stop");
    const auto step = parse_count(range[2], "concurrency step");
    if (start == 0 || step == 0 || stop <= start) {
      throw std::invalid_argument("concurrency range '" + std::string(spec) +
                                  "' needs 1 <= start < stop and step >= 1");
    }
    for (auto c = start; c < stop; c += step) {
      out.push_back(c);
    }
  } else if (range.size() == 1) {
    for (auto part : split(spec, ',')) {
      out.push_back(parse_count(part, "concurrency"));
    }
  } else {
    throw std::invalid_argument("concurrency '" + std::string(spec) + "' is neither start:stop:step nor a list");
  }
  for (auto c : out) {
    if (c == 0 || c > max_concurrency) {
      throw std::invalid_argument("concurrency " + std::to_string(c) + " is outside 1.." +
                                  std::to_string(max_concurrency));
    }
  }
  return out;
}

std::vector<std::chrono::milliseconds> parse_delay_list(std::string_view list) {
  std::vector<std::chrono::milliseconds> out;
  for (auto part : split(list, ',')) {
    const auto ms = parse_count(part, "delay");
    if (ms > 3'600'000) {
      throw std::invalid_argument("delay " + std::string(part) + " ms is over one hour");
    }
    out.emplace_back(static_cast<long long>(ms));
  }
  return out;
}

std::vector<std::size_t> swept_concurrencies(const sweep_options& options) {
  std::vector<std::size_t> out;
  std::copy_if(options.concurrencies.begin(), options.concurrencies.end(), std::back_inserter(out),
               [&](std::size_t c) { return c <= options.n; });
  return out;
}

std::vector<std::size_t> skipped_concurrencies(const sweep_options& options) {
  std::vector<std::size_t> out;
  std::copy_if(options.concurrencies.begin(), options.concurrencies.end(), std::back_inserter(out),
               [&](std::size_t c) { return c > options.n; });
  return out;
}

std::size_t planned_points(const sweep_options& options) {
  return options.delays.size() * swept_concurrencies(options).size();
}

double ideal_total_seconds(const sweep_options& options) {
  double total = 0;
  for (auto delay : options.delays) {
    for (auto c : swept_concurrencies(options)) {
      total += limit_seconds(options.n, c, delay);
    }
  }
  return total;
}

std::vector<sweep_best> best_per_delay(const std::vector<sweep_point>& points) {
  std::map<std::chrono::milliseconds, sweep_best> best;
  for (const auto& p : points) {
    auto [it, fresh] = best.try_emplace(p.delay, sweep_best{p.delay, p.concurrency, p.seconds});
    if (!fresh && (p.seconds < it->second.seconds ||
                   (p.seconds == it->second.seconds && p.concurrency < it->second.concurrency))) {
      it->second = {p.delay, p.concurrency, p.seconds};
    }
  }
  std::vector<sweep_best> out;
  for (const auto& [delay, b] : best) {
    out.push_back(b);
  }
  return out;
}

std::vector<sweep_point> run_sweep(const sweep_options& options,
                                   const std::function<std::string(std::chrono::milliseconds)>& base_url_for,
                                   const std::function<void(const sweep_point&)>& on_point) {
  const auto give_up = std::chrono::steady_clock::now() + options.max_total;
  std::vector<sweep_point> points;
  const auto concurrencies = swept_concurrencies(options);
  for (auto delay : options.delays) {
    for (auto concurrency : concurrencies) {
      if (std::chrono::steady_clock::now() >= give_up || (options.stop_requested && options.stop_requested())) {
        return points;
      }
      crawl_options crawl;
      crawl.base_url = base_url_for(delay);
      crawl.strategy = options.strategy;
      crawl.n = options.n;
      crawl.concurrency = concurrency;
      crawl.delay = delay;
      crawl.tls = options.tls;
      crawl.stop_requested = options.stop_requested;
      crawl.on_progress = options.on_progress;
      const auto result = run_crawl(crawl);
      if (result.interrupted) {
        return points; // its time covers only part of the requests: not a point
      }
      // The run's own limit: a serial crawl runs one request at a time whatever was asked.
      const auto limit = result.limit_seconds().value_or(limit_seconds(options.n, concurrency, delay));
      points.push_back({delay, concurrency, result.seconds, limit, result.errors()});
      if (on_point) {
        on_point(points.back());
      }
    }
  }
  return points;
}

std::string format_sweep_table(const std::vector<sweep_point>& points) {
  std::set<std::chrono::milliseconds> delays;
  std::map<std::pair<std::size_t, std::chrono::milliseconds>, const sweep_point*> at;
  std::set<std::size_t> concurrencies;
  for (const auto& p : points) {
    delays.insert(p.delay);
    concurrencies.insert(p.concurrency);
    at[{p.concurrency, p.delay}] = &p;
  }
  char cell[64];
  std::string out = "concurrency";
  for (auto d : delays) {
    std::snprintf(cell, sizeof cell, " | %6lld ms: s (ideal)", static_cast<long long>(d.count()));
    out += cell;
  }
  out += '\n';
  for (auto c : concurrencies) {
    std::snprintf(cell, sizeof cell, "%11zu", c);
    out += cell;
    for (auto d : delays) {
      const auto it = at.find({c, d});
      if (it == at.end()) {
        std::snprintf(cell, sizeof cell, " | %21s", "-");
      } else {
        std::snprintf(cell, sizeof cell, " | %9.3f (%8.3f)", it->second->seconds, it->second->limit_seconds);
      }
      out += cell;
    }
    out += '\n';
  }
  return out;
}

} // namespace overlap
