#pragma once
// Readers of each result type from a located object, so errors name the whole field
// path (`runs[2].latency_ms.p99`). The value_to conversions call them with an unnamed
// root; read_result_file with the file's name and the run's path.
#include "overlap/result_files.hpp"
#include "record/json_fields.hpp"

namespace overlap::results {

crawl_result read_crawl_run(const record::fields& f);
sweep_point read_sweep_point(const record::fields& f);
rate_point read_rate_point(const record::fields& f);
workload_result read_workload_run(const record::fields& f);
span read_span(const record::fields& f);
timeline_run read_timeline_run(const record::fields& f);
hdr_histogram read_histogram(const record::fields& f);
/// `v`, an element of one of f's arrays (named `where`), as a whole number >= 0.
std::uint64_t unsigned_of(const record::fields& f, const boost::json::value& v, const std::string& where);
latency_summary read_latency_summary(const record::fields& f);
open_model_result read_open_model(const record::fields& f);

/// The enum named by the string at `key`, as `parse` reads it; fails naming the field
/// and the unknown `what` (strategy, mode, category) otherwise.
template <class Parse>
auto required_name(const record::fields& f, std::string_view key, Parse parse, std::string_view what) {
  const auto name = f.required_string(key);
  const auto parsed = parse(name);
  if (!parsed) {
    f.fail(key, "unknown " + std::string(what) + " \"" + name + "\"");
  }
  return *parsed;
}

} // namespace overlap::results
