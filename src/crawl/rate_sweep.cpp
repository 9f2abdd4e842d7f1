// `overlap sweep --rate`: one paced crawl per offered rate, for the hockey stick.
#include "overlap/sweep.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace overlap {

std::vector<double> parse_rate_list(std::string_view list) {
  std::vector<double> rates;
  std::size_t from = 0;
  while (from <= list.size()) {
    const auto comma = std::min(list.find(',', from), list.size());
    const auto part = list.substr(from, comma - from);
    double rate = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), rate);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size()) {
      throw std::invalid_argument("rate '" + std::string(part) + "' is not a number of requests per second");
    }
    if (!(rate > 0 && rate <= max_crawl_rate)) {
      throw std::invalid_argument("rate " + std::string(part) + " is outside (0, 10000000] requests per second");
    }
    rates.push_back(rate);
    from = comma + 1;
  }
  return rates;
}

std::size_t rate_point_requests(double rate, std::chrono::milliseconds point_time) noexcept {
  const double n = std::round(rate * std::chrono::duration<double>(point_time).count());
  return std::max<std::size_t>(1, static_cast<std::size_t>(n));
}

std::optional<double> rate_capacity(const rate_sweep_options& options) {
  if (options.delay.count() <= 0) {
    return std::nullopt;
  }
  const auto at_once = std::min(options.concurrency, options.server_capacity.value_or(options.concurrency));
  return static_cast<double>(at_once) / std::chrono::duration<double>(options.delay).count();
}

std::vector<rate_point> run_rate_sweep(const rate_sweep_options& options, const std::string& base_url,
                                       const std::function<void(const rate_point&)>& on_point) {
  const auto give_up = std::chrono::steady_clock::now() + options.max_total;
  std::vector<rate_point> points;
  for (const double rate : options.rates) {
    if (std::chrono::steady_clock::now() >= give_up || (options.stop_requested && options.stop_requested())) {
      break;
    }
    crawl_options crawl;
    crawl.base_url = base_url;
    crawl.strategy = options.strategy;
    crawl.rate = rate;
    crawl.n = rate_point_requests(rate, options.point_time);
    crawl.concurrency = options.concurrency;
    crawl.delay = options.delay;
    crawl.tls = options.tls;
    crawl.stop_requested = options.stop_requested;
    crawl.on_progress = options.on_progress;
    const auto result = run_crawl(crawl);
    if (result.interrupted) {
      break; // only part of its requests ran: not a point
    }
    const auto& open = *result.open_model;
    points.push_back({.rate = rate,
                      .achieved_rate = open.achieved_rate,
                      .delay = options.delay,
                      .concurrency = result.concurrency,
                      .n = result.n,
                      .corrected = open.corrected,
                      .uncorrected = result.latency,
                      .errors = result.errors(),
                      .late_starts = open.late_starts,
                      .queued = open.queued});
    if (on_point) {
      on_point(points.back());
    }
  }
  return points;
}

std::string format_rate_table(const std::vector<rate_point>& points, std::optional<double> capacity) {
  std::string out = "offered/s | achieved/s | corrected p50 / p99 / max ms | uncorrected p50 / p99 ms | queued | "
                    "late | errors\n";
  char line[200];
  for (const auto& p : points) {
    std::snprintf(line, sizeof line,
                  "%9.6g | %10.1f | %8.1f / %8.1f / %8.1f | %10.1f / %10.1f | %6zu | %4zu | %6zu%s\n", p.rate,
                  p.achieved_rate.value_or(0), p.corrected.p50_ms, p.corrected.p99_ms, p.corrected.max_ms,
                  p.uncorrected.p50_ms, p.uncorrected.p99_ms, p.queued, p.late_starts, p.errors,
                  capacity && p.rate > *capacity ? "  (above capacity)" : "");
    out += line;
  }
  if (capacity) {
    std::snprintf(line, sizeof line, "capacity: %.1f answers/s (requests at once / delay)\n", *capacity);
    out += line;
  }
  return out;
}

} // namespace overlap
