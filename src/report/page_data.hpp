#pragma once
// The data the page draws, as one JSON document (the page's only input).
#include "report/inputs.hpp"

#include <boost/json/value.hpp>

#include <vector>

namespace overlap::report {

/// {"inputs": [header...], "crawl_results", "crawl_timelines", "sweeps",
///  "workload", "workload_timelines"}: each entry names its input by position in
/// "inputs". A crawl run carries its percentile curves and open model (latency_data.hpp);
/// a rate sweep ("by_rate") its "rate_points" and "capacity_rps" as its file has them.
/// "workload" (null without workload results) holds the runs of every
/// workload result file given, as one table and one set of Figures 8-10 and 8-11. Times are rounded to the microsecond,
/// which is below anything the page can show and keeps a 100,000-request timeline a few megabytes.
boost::json::value page_data(const std::vector<input>& inputs);

} // namespace overlap::report
