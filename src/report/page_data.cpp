#include "report/page_data.hpp"

#include "overlap/workload_output.hpp"
#include "report/latency_data.hpp"
#include "report/shaping.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

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

json::value maybe_ms(const std::optional<std::chrono::milliseconds>& d) {
  if (d) {
    return d->count();
  }
  return nullptr;
}

json::object header_json(const input& in) {
  const auto& h = in.contents.header;
  return {{"file", in.file}, {"command", h.command}, {"kind", kind_of(in.contents)},
          {"argv", h.argv},  {"date", h.date},       {"machine", json::value_from(h.machine)}};
}

json::object crawl_run_json(const crawl_result& r) {
  json::object kinds;
  for (auto kind : all_failure_kinds) {
    kinds[to_string(kind)] = r.errors_by_kind[static_cast<std::size_t>(kind)];
  }
  return {{"strategy", to_string(r.strategy)},
          {"n", r.n},
          {"concurrency", r.concurrency},
          {"delay_ms", maybe_ms(r.delay)},
          {"result", r.result},
          {"seconds", r.seconds},
          {"limit_seconds", maybe(r.limit_seconds())},
          {"efficiency", maybe(r.efficiency())},
          {"requests_per_second", maybe(r.requests_per_second())},
          {"extrapolated", r.extrapolated},
          {"errors", r.errors()},
          {"errors_by_kind", std::move(kinds)},
          {"retries", r.retries},
          {"latency_ms", json::value_from(r.latency)},
          {"percentiles", percentile_curves_json(r)},
          {"open_model", open_model_json(r)}};
}

json::object crawl_timeline_json(std::size_t input, const timeline_run& run) {
  const auto c = shape_requests(run.spans);
  std::optional<double> limit;
  if (run.delay_ms) {
    limit = limit_seconds(run.n, run.concurrency, std::chrono::milliseconds(*run.delay_ms));
  }
  return {{"input", input},
          {"strategy", run.label},
          {"n", run.n},
          {"concurrency", run.concurrency},
          {"delay_ms", maybe(run.delay_ms)},
          {"limit_seconds", maybe(limit)},
          {"max_end", micro(c.max_end)},
          {"start", times(c.start)},
          {"end", times(c.end)},
          {"index", numbers(c.index)},
          {"failed", numbers(c.failed)},
          {"shards", run.shards},
          {"shard", run.shards > 0 ? numbers(c.shard) : json::array()}};
}

json::object sweep_json(std::size_t input, const sweep_results& sweep) {
  json::array series_json;
  for (const auto& s : shape_sweep(sweep)) {
    series_json.push_back({{"delay_ms", s.delay_ms},
                           {"concurrency", numbers(s.concurrency)},
                           {"seconds", numbers(s.seconds)},
                           {"ideal_seconds", numbers(s.ideal_seconds)}});
  }
  json::array best;
  for (const auto& b : best_per_delay(sweep.points)) {
    best.push_back({{"delay_ms", b.delay.count()}, {"concurrency", b.concurrency}, {"seconds", b.seconds}});
  }
  // A rate sweep's points go as the file has them (one owner of their fields).
  return {{"input", input},
          {"strategy", to_string(sweep.strategy)},
          {"n", sweep.n},
          {"partial", sweep.partial},
          {"series", series_json},
          {"best", best},
          {"by_rate", sweep.by_rate},
          {"rate_points", json::value_from(sweep.rate_points)},
          {"capacity_rps", maybe(sweep.capacity_rps)}};
}

json::object workload_run_json(std::size_t input, const workload_result& r, const std::vector<workload_result>& runs) {
  const auto refs = workload::find_references(runs, r.difficulty);
  return {{"input", input},
          {"mode", to_string(r.mode)},
          {"n", r.n},
          {"difficulty", r.difficulty},
          {"seconds", r.seconds},
          {"ratio_to_noio", maybe(workload::ratio_to_noio(r, refs))},
          {"hidden_io_share", maybe(workload::hidden_io_share(r, refs))},
          {"saved", r.saved},
          {"failed", r.failed},
          {"retried", r.retried},
          {"batch_size", r.batch_size},
          {"concurrency", r.concurrency},
          {"workers", r.workers}};
}

/// Every workload result file given, as one table and one set of figures.
json::value workload_json(const std::vector<std::size_t>& inputs, const std::vector<workload_results>& files) {
  if (files.empty()) {
    return nullptr;
  }
  json::array runs, calibration;
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (const auto& r : files[f].runs) {
      runs.push_back(workload_run_json(inputs[f], r, files[f].runs));
    }
    for (const auto& [difficulty, seconds] : files[f].calibration) {
      calibration.push_back({{"input", inputs[f]}, {"difficulty", difficulty}, {"seconds_per_hash", seconds}});
    }
  }
  const auto figures = shape_workload_figures(files);
  json::array series;
  for (const auto& s : figures.series) {
    series.push_back({{"mode", s.mode},
                      {"difficulty", numbers(s.difficulty)},
                      {"time_per_iteration", numbers(s.time_per_iteration)},
                      {"seconds", numbers(s.seconds)},
                      {"seconds_per_task", numbers(s.seconds_per_task)},
                      {"ratio", numbers(s.ratio)}});
  }
  return json::object{{"inputs", numbers(inputs)},  {"runs", runs},
                      {"calibration", calibration}, {"series", series},
                      {"same_n", figures.same_n},   {"left_out", figures.left_out}};
}

json::object workload_timeline_json(std::size_t input, const timeline_run& run) {
  const auto c = shape_tasks(run.spans);
  return {{"input", input},
          {"mode", run.label},
          {"n", run.n},
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
  json::array headers, crawl_results_json, crawl_timelines, sweeps, workload_timelines;
  std::vector<std::size_t> workload_inputs;
  std::vector<workload_results> workload_files;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    const auto& body = in.contents.body;
    headers.push_back(header_json(in));
    if (const auto* r = std::get_if<crawl_results>(&body)) {
      json::array runs;
      for (const auto& run : r->runs) {
        runs.push_back(crawl_run_json(run));
      }
      crawl_results_json.push_back({{"input", i}, {"runs", runs}});
    } else if (const auto* t = std::get_if<timelines>(&body)) {
      const bool crawl = in.contents.header.command == "crawl";
      for (const auto& run : t->runs) {
        (crawl ? crawl_timelines : workload_timelines)
            .push_back(crawl ? crawl_timeline_json(i, run) : workload_timeline_json(i, run));
      }
    } else if (const auto* s = std::get_if<sweep_results>(&body)) {
      sweeps.push_back(sweep_json(i, *s));
    } else if (const auto* w = std::get_if<workload_results>(&body)) {
      workload_inputs.push_back(i);
      workload_files.push_back(*w);
    }
  }
  return {{"inputs", headers},
          {"crawl_results", crawl_results_json},
          {"crawl_timelines", crawl_timelines},
          {"sweeps", sweeps},
          {"workload", workload_json(workload_inputs, workload_files)},
          {"workload_timelines", workload_timelines}};
}

} // namespace overlap::report
