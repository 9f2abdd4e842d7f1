#include "report/shaping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

namespace overlap::report {

double limit_seconds(std::int64_t n, std::int64_t concurrency, double delay_ms) noexcept {
  if (concurrency <= 0 || n <= 0) {
    return 0;
  }
  const auto rounds = (n + concurrency - 1) / concurrency;
  return static_cast<double>(rounds) * delay_ms / 1000.0;
}

crawl_run with_derived_fields(crawl_run run) {
  if (!run.limit_seconds) {
    run.limit_seconds = limit_seconds(run.n, run.concurrency, run.delay_ms);
  }
  if (!run.efficiency && run.seconds > 0) {
    run.efficiency = *run.limit_seconds / run.seconds;
  }
  if (!run.requests_per_second && run.seconds > 0) {
    run.requests_per_second = static_cast<double>(run.n) / run.seconds;
  }
  return run;
}

namespace {

template <class Less> std::vector<std::size_t> sorted_order(std::size_t size, Less less) {
  std::vector<std::size_t> order(size);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), less);
  return order;
}

} // namespace

request_columns shape_requests(const std::vector<request_span>& requests) {
  const auto order = sorted_order(requests.size(), [&](std::size_t a, std::size_t b) {
    const auto& x = requests[a];
    const auto& y = requests[b];
    return x.start != y.start ? x.start < y.start : x.index < y.index;
  });
  request_columns c;
  c.start.reserve(order.size());
  c.end.reserve(order.size());
  c.index.reserve(order.size());
  c.failed.reserve(order.size());
  for (auto i : order) {
    const auto& r = requests[i];
    c.start.push_back(r.start);
    c.end.push_back(r.end);
    c.index.push_back(r.index);
    c.failed.push_back(r.status && (*r.status < 200 || *r.status > 299) ? 1 : 0);
    c.max_end = std::max(c.max_end, r.end);
  }
  return c;
}

task_columns shape_tasks(const std::vector<task_span>& tasks) {
  const auto order = sorted_order(tasks.size(), [&](std::size_t a, std::size_t b) {
    const auto& x = tasks[a];
    const auto& y = tasks[b];
    return x.cpu_start != y.cpu_start ? x.cpu_start < y.cpu_start : x.index < y.index;
  });
  constexpr auto none = std::numeric_limits<double>::quiet_NaN();
  task_columns c;
  for (auto i : order) {
    const auto& t = tasks[i];
    c.index.push_back(t.index);
    c.cpu_start.push_back(t.cpu_start);
    c.cpu_end.push_back(t.cpu_end);
    c.io_start.push_back(t.io_start.value_or(none));
    c.io_end.push_back(t.io_end.value_or(none));
    c.max_end = std::max({c.max_end, t.cpu_end, t.io_end.value_or(0.0)});
  }
  return c;
}

std::vector<sweep_series> shape_sweep(const sweep_result& sweep) {
  std::map<double, std::vector<const sweep_point*>> by_delay;
  for (const auto& p : sweep.points) {
    by_delay[p.delay_ms].push_back(&p);
  }
  std::vector<sweep_series> out;
  for (auto& [delay_ms, points] : by_delay) {
    std::stable_sort(points.begin(), points.end(),
                     [](const sweep_point* a, const sweep_point* b) { return a->concurrency < b->concurrency; });
    sweep_series s;
    s.delay_ms = delay_ms;
    for (const auto* p : points) {
      s.concurrency.push_back(p->concurrency);
      s.seconds.push_back(p->seconds);
      s.ideal_seconds.push_back(p->limit_seconds.value_or(limit_seconds(sweep.n, p->concurrency, delay_ms)));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<sweep_best> best_per_delay(const std::vector<sweep_series>& series) {
  std::vector<sweep_best> out;
  for (const auto& s : series) {
    if (s.seconds.empty()) {
      continue;
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < s.seconds.size(); ++i) {
      if (s.seconds[i] < s.seconds[best] ||
          (s.seconds[i] == s.seconds[best] && s.concurrency[i] < s.concurrency[best])) {
        best = i;
      }
    }
    out.push_back({s.delay_ms, s.concurrency[best], s.seconds[best]});
  }
  return out;
}

namespace {

struct ratio_point {
  std::int64_t difficulty;
  double x, y;
};

std::optional<ratio_point> ratio_of(const workload_run& run, const workload_result& workload,
                                    const std::map<std::int64_t, const workload_run*>& noio) {
  const auto baseline = noio.find(run.difficulty);
  const workload_run* base = baseline == noio.end() ? nullptr : baseline->second;
  std::optional<double> x;
  if (auto cal = workload.calibration.find(run.difficulty); cal != workload.calibration.end()) {
    x = cal->second;
  } else if (base != nullptr) {
    x = base->seconds / static_cast<double>(base->n);
  }
  std::optional<double> y = run.ratio_to_noio;
  if (!y && base != nullptr && base->seconds > 0) {
    y = (run.seconds / static_cast<double>(run.n)) / (base->seconds / static_cast<double>(base->n));
  }
  if (!x || !y) {
    return std::nullopt;
  }
  return ratio_point{run.difficulty, *x, *y};
}

} // namespace

std::vector<ratio_series> shape_workload_ratios(const workload_result& workload) {
  std::map<std::int64_t, const workload_run*> noio; // the first noio run per difficulty
  for (const auto& r : workload.runs) {
    if (r.mode == "noio") {
      noio.emplace(r.difficulty, &r);
    }
  }
  std::vector<std::string> modes;
  std::map<std::string, std::vector<ratio_point>> points;
  for (const auto& r : workload.runs) {
    if (r.mode == "noio") {
      continue;
    }
    if (std::find(modes.begin(), modes.end(), r.mode) == modes.end()) {
      modes.push_back(r.mode);
    }
    if (auto p = ratio_of(r, workload, noio)) {
      points[r.mode].push_back(*p);
    }
  }
  std::vector<ratio_series> out;
  for (const auto& mode : modes) {
    auto& ps = points[mode];
    std::stable_sort(ps.begin(), ps.end(), [](const ratio_point& a, const ratio_point& b) { return a.x < b.x; });
    ratio_series s{mode, {}, {}, {}};
    for (const auto& p : ps) {
      s.difficulty.push_back(p.difficulty);
      s.time_per_iteration.push_back(p.x);
      s.ratio.push_back(p.y);
    }
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace overlap::report
