#include "report/shaping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

namespace overlap::report {

namespace {

template <class Less> std::vector<std::size_t> sorted_order(std::size_t size, Less less) {
  std::vector<std::size_t> order(size);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), less);
  return order;
}

} // namespace

request_columns shape_requests(const std::vector<span>& all) {
  std::vector<const span*> requests;
  for (const auto& s : all) {
    if (s.category == span_category::request) {
      requests.push_back(&s);
    }
  }
  const auto order = sorted_order(requests.size(), [&](std::size_t a, std::size_t b) {
    const auto& x = *requests[a];
    const auto& y = *requests[b];
    return x.start != y.start ? x.start < y.start : x.index < y.index;
  });
  request_columns c;
  c.start.reserve(order.size());
  c.end.reserve(order.size());
  c.index.reserve(order.size());
  c.failed.reserve(order.size());
  c.shard.reserve(order.size());
  for (auto i : order) {
    const auto& r = *requests[i];
    c.start.push_back(r.start);
    c.end.push_back(r.end);
    c.index.push_back(static_cast<std::int64_t>(r.index));
    c.failed.push_back(r.status < 200 || r.status > 299 ? 1 : 0);
    c.shard.push_back(r.shard);
    c.max_end = std::max(c.max_end, r.end);
  }
  return c;
}

task_columns shape_tasks(const std::vector<span>& spans) {
  constexpr auto none = std::numeric_limits<double>::quiet_NaN();
  struct task {
    std::uint64_t index;
    double cpu_start = none, cpu_end = none, io_start = none, io_end = none;
  };
  std::map<std::uint64_t, task> by_index;
  for (const auto& s : spans) {
    auto& t = by_index.try_emplace(s.index, task{s.index}).first->second;
    if (s.category == span_category::cpu) {
      t.cpu_start = s.start;
      t.cpu_end = s.end;
    } else if (s.category == span_category::io) {
      t.io_start = s.start;
      t.io_end = s.end;
    }
  }
  std::vector<task> tasks;
  for (const auto& [index, t] : by_index) {
    if (!std::isnan(t.cpu_start)) {
      tasks.push_back(t);
    }
  }
  std::stable_sort(tasks.begin(), tasks.end(), [](const task& x, const task& y) {
    return x.cpu_start != y.cpu_start ? x.cpu_start < y.cpu_start : x.index < y.index;
  });
  task_columns c;
  for (const auto& t : tasks) {
    c.index.push_back(static_cast<std::int64_t>(t.index));
    c.cpu_start.push_back(t.cpu_start);
    c.cpu_end.push_back(t.cpu_end);
    c.io_start.push_back(t.io_start);
    c.io_end.push_back(t.io_end);
    c.max_end = std::max({c.max_end, t.cpu_end, std::isnan(t.io_end) ? 0.0 : t.io_end});
  }
  return c;
}

std::vector<sweep_series> shape_sweep(const sweep_results& sweep) {
  std::map<std::chrono::milliseconds, std::vector<const sweep_point*>> by_delay;
  for (const auto& p : sweep.points) {
    by_delay[p.delay].push_back(&p);
  }
  std::vector<sweep_series> out;
  for (auto& [delay, points] : by_delay) {
    std::stable_sort(points.begin(), points.end(),
                     [](const sweep_point* a, const sweep_point* b) { return a->concurrency < b->concurrency; });
    sweep_series s;
    s.delay_ms = static_cast<double>(delay.count());
    for (const auto* p : points) {
      s.concurrency.push_back(static_cast<std::int64_t>(p->concurrency));
      s.seconds.push_back(p->seconds);
      s.ideal_seconds.push_back(p->limit_seconds);
    }
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

struct figure_point {
  std::int64_t difficulty;
  double x;
  const workload_result* run;
  double ratio;
};

double per_task(const workload_result& run) { return run.seconds / static_cast<double>(run.n); }

/// Places a file's runs on the figures' x axis; returns how many had no baseline.
std::size_t add_points(const workload_results& file, std::map<workload_mode, std::vector<figure_point>>& points) {
  std::map<int, const workload_result*> noio; // the first noio run per cost
  for (const auto& r : file.runs) {
    if (r.mode == workload_mode::noio && r.n > 0 && r.seconds > 0) {
      noio.emplace(r.difficulty, &r);
    }
  }
  std::size_t left_out = 0;
  for (const auto& r : file.runs) {
    const auto base = noio.find(r.difficulty);
    if (base == noio.end() || r.n == 0) {
      ++left_out;
      continue;
    }
    const auto cal = file.calibration.find(r.difficulty);
    const double x = cal != file.calibration.end() ? cal->second : per_task(*base->second);
    points[r.mode].push_back({r.difficulty, x, &r, per_task(r) / per_task(*base->second)});
  }
  return left_out;
}

} // namespace

workload_figures shape_workload_figures(const std::vector<workload_results>& files) {
  workload_figures out;
  std::map<workload_mode, std::vector<figure_point>> points;
  for (const auto& file : files) {
    out.left_out += add_points(file, points);
  }
  std::optional<std::size_t> n;
  for (const auto mode : all_workload_modes()) {
    auto found = points.find(mode);
    if (found == points.end()) {
      continue;
    }
    auto& ps = found->second;
    std::stable_sort(ps.begin(), ps.end(), [](const figure_point& a, const figure_point& b) { return a.x < b.x; });
    mode_series s{std::string(to_string(mode)), {}, {}, {}, {}, {}};
    for (const auto& p : ps) {
      s.difficulty.push_back(p.difficulty);
      s.time_per_iteration.push_back(p.x);
      s.seconds.push_back(p.run->seconds);
      s.seconds_per_task.push_back(per_task(*p.run));
      s.ratio.push_back(p.ratio);
      out.same_n = out.same_n && (!n || *n == p.run->n);
      n = p.run->n;
    }
    out.series.push_back(std::move(s));
  }
  return out;
}

} // namespace overlap::report
