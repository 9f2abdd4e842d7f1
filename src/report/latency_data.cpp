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
  const auto& m = *run.open_model;
  json::value achieved = nullptr;
  if (m.achieved_rate) {
    achieved = *m.achieved_rate;
  }
  return json::object{{"rate", m.rate},
                      {"achieved_rate", achieved},
                      {"late_starts", m.late_starts},
                      {"queued", m.queued},
                      {"corrected_latency_ms", json::value_from(m.corrected)},
                      {"lateness_ms", json::value_from(summary_of(m.lateness_histogram))},
                      {"sent_per_second", json::value_from(m.sent_per_second)}};
}

} // namespace overlap::report
