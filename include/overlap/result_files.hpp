#pragma once
// The files overlap writes and `overlap report` reads (docs/FORMATS.md): each file kind's
// fields are defined here once, written and read with Boost.JSON through the public
// result types. Timelines are streamed by write_timeline and read here.
#include "overlap/crawl.hpp"
#include "overlap/result_file_error.hpp"
#include "overlap/run_header.hpp"
#include "overlap/sweep.hpp"
#include "overlap/timeline.hpp"
#include "overlap/workload.hpp"

#include <boost/json/fwd.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace overlap {

/// `overlap crawl --json`: one entry per strategy run.
struct crawl_results {
  std::vector<crawl_result> runs;
};

/// `overlap workload --json`: one entry per mode run, and the calibration when measured
/// (bcrypt cost -> seconds per hash).
struct workload_results {
  std::vector<workload_result> runs;
  std::map<int, double> calibration;
};

/// `overlap sweep --json`: a grid sweep (points) or a rate sweep (rate_points).
struct sweep_results {
  crawl_strategy strategy = crawl_strategy::coroutine;
  std::size_t n = 0; // requests per point; of a rate sweep, of its largest point
  std::vector<sweep_point> points;
  bool partial = false;                           // cut short: the best is among the points run
  std::vector<std::size_t> skipped_concurrencies; // above n, not run
  /// A rate sweep (`--rate`): its points, and its capacity (rate_capacity) when known.
  bool by_rate = false;
  std::vector<rate_point> rate_points;
  std::optional<double> capacity_rps;
};
/// The file of a sweep run with `options` that ran `points`.
sweep_results sweep_results_of(const sweep_options& options, std::vector<sweep_point> points);
/// The file of a rate sweep run with `options` that ran `points`.
sweep_results sweep_results_of(const rate_sweep_options& options, std::vector<rate_point> points);

/// `overlap crawl|workload --timeline FILE.json`.
struct timelines {
  std::vector<timeline_run> runs;
};
/// One run's timeline as the writer takes it: a crawl run's requests (an extrapolated
/// run: the requests actually made), a workload run's cpu and io spans per task.
timeline_run timeline_of(const crawl_result& run);
timeline_run timeline_of(const workload_result& run);

/// One file: its header and what it holds. header.command and the body's type say the
/// kind: crawl_results, workload_results and sweep_results are "result", timelines
/// "timeline".
struct result_file {
  run_header header;
  std::variant<crawl_results, workload_results, sweep_results, timelines> body;
};
std::string_view kind_of(const result_file& file) noexcept;

/// The file's JSON text, as written to disk (one document, a newline at the end).
std::string result_file_text(const result_file& file);

/// Reads a file's text. `name` names it in errors. Throws result_file_error, one line:
/// not JSON (with line and column), an unknown command or kind, a format newer than
/// format_version, a Chrome trace, or a required field missing or mistyped (with its path).
result_file read_result_file(std::string_view text, const std::string& name);

// Boost.JSON conversions of the public result types (value_from / value_to); reading
// throws result_file_error naming the field. Derived fields (limits, efficiency, rates,
// error totals, ratios, the best points) are written for readers and recomputed on reading.
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const hdr_histogram& histogram);
hdr_histogram tag_invoke(const boost::json::value_to_tag<hdr_histogram>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const latency_summary& latency);
latency_summary tag_invoke(const boost::json::value_to_tag<latency_summary>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const open_model_result& open);
open_model_result tag_invoke(const boost::json::value_to_tag<open_model_result>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const crawl_result& run);
crawl_result tag_invoke(const boost::json::value_to_tag<crawl_result>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const sweep_point& point);
sweep_point tag_invoke(const boost::json::value_to_tag<sweep_point>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const rate_point& point);
rate_point tag_invoke(const boost::json::value_to_tag<rate_point>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const workload_result& run);
workload_result tag_invoke(const boost::json::value_to_tag<workload_result>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const span& s);
span tag_invoke(const boost::json::value_to_tag<span>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const timeline_run& run);
timeline_run tag_invoke(const boost::json::value_to_tag<timeline_run>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const result_file& file);

} // namespace overlap
