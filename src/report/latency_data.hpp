#pragma once
// What the page draws of one crawl run's latencies: its percentile curves (the
// HdrHistogram plot) and, for a paced run, the open model's rates.
#include "overlap/crawl.hpp"

#include <boost/json/value.hpp>

namespace overlap::report {

/// {"uncorrected": {"x", "ms"}, "corrected": {"x", "ms"} | null} (see
/// percentile_curve.hpp); null when the run has no latency histogram (a file written
/// before overlap kept one, or a run in which nothing finished). "corrected" is null
/// for a closed-model run.
boost::json::value percentile_curves_json(const crawl_result& run);

/// null for a closed-model run; else {"rate", "achieved_rate" (nullable), "late_starts",
/// "queued", "corrected_latency_ms", "lateness_ms", "sent_per_second"}.
boost::json::value open_model_json(const crawl_result& run);

} // namespace overlap::report
