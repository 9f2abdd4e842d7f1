#include "report/page_data.hpp"

#include "report/shaping.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cmath>
#include <optional>

namespace overlap::report {

namespace {

namespace json = boost::json;

json::value micro(double seconds) {
  if (!std::isfinite(seconds)) {
    return nullptr;
  }
  return std::round(seconds * 1e6) / 1e6;
}

template <class T> json::value maybe(const std::optional<T>& v) {
  if (v) {
    return json::value(*v);
  }
  return nullptr;
}

json::array times(const std::vector<double>& values) {
  json::array out;
  out.reserve(values.size());
  for (double v : values) {
    out.push_back(micro(v));
  }
  return out;
}

template <class T> json::array numbers(const std::vector<T>& values) {
  json::array out;
  out.reserve(values.size());
  for (const auto& v : values) {
    out.push_back(v);
  }
  return out;
}

json::object header_json(const input_header& h) {
  return {{"file", h.file}, {"command", h.command}, {"kind", h.kind},
          {"argv", h.argv}, {"date", h.date},       {"machine", h.machine}};
}

json::object crawl_run_json(const crawl_run& raw) {
  const auto r = with_derived_fields(raw);
  json::object kinds;
  for (const auto& [kind, count] : r.errors_by_kind) {
    kinds[kind] = count;
  }
  return {{"strategy", r.strategy},
          {"n", r.n},
          {"concurrency", r.concurrency},
          {"delay_ms", r.delay_ms},
          {"result", maybe(r.result)},
          {"seconds", r.seconds},
          {"limit_seconds", maybe(r.limit_seconds)},
          {"efficiency", maybe(r.efficiency)},
          {"requests_per_second", maybe(r.requests_per_second)},
          {"extrapolated", r.extrapolated},
          {"errors", r.errors},
          {"errors_by_kind", std::move(kinds)},
          {"retries", r.retries},
          {"latency_ms",
           {{"p50", maybe(r.latency.p50_ms)},
            {"p90", maybe(r.latency.p90_ms)},
            {"p99", maybe(r.latency.p99_ms)},
            {"max", maybe(r.latency.max_ms)}}}};
}

json::object crawl_timeline_json(std::size_t input, const crawl_timeline_run& run) {
  const auto c = shape_requests(run.requests);
  std::optional<double> limit;
  if (run.n && run.concurrency && run.delay_ms) {
    limit = limit_seconds(*run.n, *run.concurrency, *run.delay_ms);
  }
  return {{"input", input},
          {"strategy", run.strategy},
          {"n", maybe(run.n)},
          {"concurrency", maybe(run.concurrency)},
          {"delay_ms", maybe(run.delay_ms)},
          {"limit_seconds", maybe(limit)},
          {"max_end", micro(c.max_end)},
          {"start", times(c.start)},
          {"end", times(c.end)},
          {"index", numbers(c.index)},
          {"failed", numbers(c.failed)}};
}

json::object sweep_json(std::size_t input, const sweep_result& sweep) {
  const auto series = shape_sweep(sweep);
  json::array series_json;
  for (const auto& s : series) {
    series_json.push_back({{"delay_ms", s.delay_ms},
                           {"concurrency", numbers(s.concurrency)},
                           {"seconds", numbers(s.seconds)},
                           {"ideal_seconds", numbers(s.ideal_seconds)}});
  }
  json::array best;
  for (const auto& b : best_per_delay(series)) {
    best.push_back({{"delay_ms", b.delay_ms}, {"concurrency", b.concurrency}, {"seconds", b.seconds}});
  }
  return {{"input", input}, {"strategy", sweep.strategy}, {"n", sweep.n}, {"series", series_json}, {"best", best}};
}

json::object workload_run_json(const workload_run& r) {
  return {{"mode", r.mode},
          {"n", r.n},
          {"difficulty", r.difficulty},
          {"seconds", r.seconds},
          {"ratio_to_noio", maybe(r.ratio_to_noio)},
          {"hidden_io_share", maybe(r.hidden_io_share)},
          {"saved", maybe(r.saved)},
          {"failed", maybe(r.failed)},
          {"retried", maybe(r.retried)},
          {"batch_size", maybe(r.batch_size)},
          {"concurrency", maybe(r.concurrency)},
          {"workers", maybe(r.workers)}};
}

json::object workload_result_json(std::size_t input, const workload_result& w) {
  json::array runs;
  for (const auto& r : w.runs) {
    runs.push_back(workload_run_json(r));
  }
  json::array calibration;
  for (const auto& [difficulty, seconds] : w.calibration) {
    calibration.push_back({{"difficulty", difficulty}, {"seconds_per_hash", seconds}});
  }
  json::array ratios;
  for (const auto& s : shape_workload_ratios(w)) {
    ratios.push_back({{"mode", s.mode},
                      {"difficulty", numbers(s.difficulty)},
                      {"time_per_iteration", numbers(s.time_per_iteration)},
                      {"ratio", numbers(s.ratio)}});
  }
  return {{"input", input}, {"runs", runs}, {"calibration", calibration}, {"ratio_series", ratios}};
}

json::object workload_timeline_json(std::size_t input, const workload_timeline_run& run) {
  const auto c = shape_tasks(run.tasks);
  return {{"input", input},
          {"mode", run.mode},
          {"n", maybe(run.n)},
          {"difficulty", maybe(run.difficulty)},
          {"max_end", micro(c.max_end)},
          {"index", numbers(c.index)},
          {"cpu_start", times(c.cpu_start)},
          {"cpu_end", times(c.cpu_end)},
          {"io_start", times(c.io_start)},
          {"io_end", times(c.io_end)}};
}

} // namespace

json::value page_data(const std::vector<input>& inputs) {
  json::array headers, crawl_results, crawl_timelines, sweeps, workload_results, workload_timelines;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    headers.push_back(header_json(in.header));
    if (const auto* r = std::get_if<crawl_result>(&in.body)) {
      json::array runs;
      for (const auto& run : r->runs) {
        runs.push_back(crawl_run_json(run));
      }
      crawl_results.push_back({{"input", i}, {"runs", runs}});
    } else if (const auto* t = std::get_if<crawl_timeline>(&in.body)) {
      for (const auto& run : t->runs) {
        crawl_timelines.push_back(crawl_timeline_json(i, run));
      }
    } else if (const auto* s = std::get_if<sweep_result>(&in.body)) {
      sweeps.push_back(sweep_json(i, *s));
    } else if (const auto* w = std::get_if<workload_result>(&in.body)) {
      workload_results.push_back(workload_result_json(i, *w));
    } else if (const auto* wt = std::get_if<workload_timeline>(&in.body)) {
      for (const auto& run : wt->runs) {
        workload_timelines.push_back(workload_timeline_json(i, run));
      }
    }
  }
  return {{"inputs", headers}, {"crawl_results", crawl_results},       {"crawl_timelines", crawl_timelines},
          {"sweeps", sweeps},  {"workload_results", workload_results}, {"workload_timelines", workload_timelines}};
}

} // namespace overlap::report
