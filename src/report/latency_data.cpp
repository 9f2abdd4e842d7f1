#include "report/latency_data.hpp"

#include "overlap/result_files.hpp"
#include "report/percentile_curve.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

namespace overlap::report {

namespace {

namespace json = boost::json;

json::value curve_json(const hdr_histogram& h) {
  const auto c = shape_percentile_curve(h);
  if (c.x.empty()) {
    return nullptr;
  }
  return json::object{{"x", json::value_from(c.x)}, {"ms", json::value_from(c.ms)}};
}

} // namespace

json::value percentile_curves_json(const crawl_result& run) {
  if (run.latency_histogram.count() == 0) {
    return nullptr;
  }
  return json::object{
      {"uncorrected", curve_json(run.latency_histogram)},
      {"corrected", run.open_model ? curve_json(run.open_model->corrected_histogram) : json::value(nullptr)}};
}

json::value open_model_json(const crawl_result& run) {
  if (!run.open_model) {
    return nullptr;
  }
  // The result file's own fields (one definition), less the histograms: the page draws
  // their curves (percentile_curves_json), not their buckets.
  auto open = json::value_from(*run.open_model);
  open.as_object().erase("corrected_histogram");
  open.as_object().erase("lateness_histogram");
  return open;
}

} // namespace overlap::report
