#include "report/input_bodies.hpp"

#include <charconv>

namespace overlap::report {

namespace {

// A count or a size that must be at least `minimum` (n, concurrency, difficulty).
std::int64_t required_at_least(const fields& f, std::string_view key, std::int64_t minimum) {
  const auto v = f.required_integer(key);
  if (v < minimum) {
    f.fail(key, "must be at least " + std::to_string(minimum) + ", got " + std::to_string(v));
  }
  return v;
}

double required_non_negative(const fields& f, std::string_view key) {
  const auto v = f.required_number(key);
  if (!(v >= 0)) {
    f.fail(key, "must not be negative");
  }
  return v;
}

latency_summary read_latency(const fields& run) {
  latency_summary l;
  if (run.optional_object("latency_ms") != nullptr) {
    const auto f = run.child("latency_ms");
    l.p50_ms = f.optional_number("p50");
    l.p90_ms = f.optional_number("p90");
    l.p99_ms = f.optional_number("p99");
    l.max_ms = f.optional_number("max");
  }
  return l;
}

crawl_run read_crawl_run(const fields& f) {
  crawl_run r;
  r.strategy = f.required_string("strategy");
  r.n = required_at_least(f, "n", 0);
  r.concurrency = required_at_least(f, "concurrency", 1);
  r.delay_ms = required_non_negative(f, "delay_ms");
  r.seconds = required_non_negative(f, "seconds");
  r.result = f.optional_integer("result");
  r.limit_seconds = f.optional_number("limit_seconds");
  r.efficiency = f.optional_number("efficiency");
  r.requests_per_second = f.optional_number("requests_per_second");
  r.extrapolated = f.optional_bool("extrapolated").value_or(false);
  r.errors = f.optional_integer("errors").value_or(0);
  r.retries = f.optional_integer("retries").value_or(0);
  if (f.optional_object("errors_by_kind") != nullptr) {
    const auto kinds = f.child("errors_by_kind");
    for (const auto& entry : kinds.object()) {
      r.errors_by_kind[std::string(entry.key())] = kinds.required_integer(entry.key());
    }
  }
  r.latency = read_latency(f);
  return r;
}

request_span read_request(const fields& f) {
  request_span s;
  s.index = f.required_integer("index");
  s.start = f.required_number("start");
  s.end = f.required_number("end");
  if (s.end < s.start) {
    f.fail("end", "ends before it starts (start " + std::to_string(s.start) + ", end " + std::to_string(s.end) + ")");
  }
  s.status = f.optional_integer("status");
  return s;
}

task_span read_task(const fields& f) {
  task_span t;
  t.index = f.required_integer("index");
  t.cpu_start = f.required_number("cpu_start");
  t.cpu_end = f.required_number("cpu_end");
  if (t.cpu_end < t.cpu_start) {
    f.fail("cpu_end", "ends before cpu_start");
  }
  t.io_start = f.optional_number("io_start");
  t.io_end = f.optional_number("io_end");
  if (t.io_start.has_value() != t.io_end.has_value()) {
    f.fail(t.io_start ? "io_end" : "io_start", "missing (io_start and io_end come together)");
  }
  if (t.io_start && *t.io_end < *t.io_start) {
    f.fail("io_end", "ends before io_start");
  }
  return t;
}

workload_run read_workload_run(const fields& f) {
  workload_run r;
  r.mode = f.required_string("mode");
  r.n = required_at_least(f, "n", 1);
  r.difficulty = f.required_integer("difficulty");
  r.seconds = required_non_negative(f, "seconds");
  r.ratio_to_noio = f.optional_number("ratio_to_noio");
  r.hidden_io_share = f.optional_number("hidden_io_share");
  r.saved = f.optional_integer("saved");
  r.failed = f.optional_integer("failed");
  r.retried = f.optional_integer("retried");
  r.batch_size = f.optional_integer("batch_size");
  r.concurrency = f.optional_integer("concurrency");
  r.workers = f.optional_integer("workers");
  return r;
}

// "calibration": {"8": 0.0156, ...}: the keys are difficulties, written as strings.
std::map<std::int64_t, double> read_calibration(const fields& root) {
  std::map<std::int64_t, double> out;
  if (root.optional_object("calibration") == nullptr) {
    return out;
  }
  const auto cal = root.child("calibration");
  for (const auto& entry : cal.object()) {
    const std::string_view key = entry.key();
    std::int64_t difficulty = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), difficulty);
    if (ec != std::errc{} || end != key.data() + key.size()) {
      cal.fail(key, "the key must be a difficulty (a whole number)");
    }
    out[difficulty] = cal.required_number(key);
  }
  return out;
}

} // namespace

crawl_result read_crawl_result(const fields& root) {
  crawl_result out;
  const auto& runs = root.required_array("runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    out.runs.push_back(read_crawl_run(root.element("runs", runs, i)));
  }
  return out;
}

crawl_timeline read_crawl_timeline(const fields& root) {
  crawl_timeline out;
  const auto& runs = root.required_array("runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto f = root.element("runs", runs, i);
    crawl_timeline_run r;
    r.strategy = f.required_string("strategy");
    r.n = f.optional_integer("n");
    r.concurrency = f.optional_integer("concurrency");
    r.delay_ms = f.optional_number("delay_ms");
    const auto& requests = f.required_array("requests");
    r.requests.reserve(requests.size());
    for (std::size_t j = 0; j < requests.size(); ++j) {
      r.requests.push_back(read_request(f.element("requests", requests, j)));
    }
    out.runs.push_back(std::move(r));
  }
  return out;
}

workload_result read_workload_result(const fields& root) {
  workload_result out;
  const auto& runs = root.required_array("runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    out.runs.push_back(read_workload_run(root.element("runs", runs, i)));
  }
  out.calibration = read_calibration(root);
  return out;
}

workload_timeline read_workload_timeline(const fields& root) {
  workload_timeline out;
  const auto& runs = root.required_array("runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto f = root.element("runs", runs, i);
    workload_timeline_run r;
    r.mode = f.required_string("mode");
    r.n = f.optional_integer("n");
    r.difficulty = f.optional_integer("difficulty");
    const auto& tasks = f.required_array("tasks");
    for (std::size_t j = 0; j < tasks.size(); ++j) {
      r.tasks.push_back(read_task(f.element("tasks", tasks, j)));
    }
    out.runs.push_back(std::move(r));
  }
  return out;
}

sweep_result read_sweep_result(const fields& root) {
  sweep_result out;
  out.strategy = root.optional_string("strategy").value_or("");
  out.n = required_at_least(root, "n", 1);
  const auto& points = root.required_array("points");
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto f = root.element("points", points, i);
    sweep_point p;
    p.delay_ms = required_non_negative(f, "delay_ms");
    p.concurrency = required_at_least(f, "concurrency", 1);
    p.seconds = required_non_negative(f, "seconds");
    p.limit_seconds = f.optional_number("limit_seconds");
    out.points.push_back(p);
  }
  return out;
}

} // namespace overlap::report
