// A latency histogram in a result file: its buckets with counts, named by their lowest
// equivalent value, so that reading it back rebuilds it bucket for bucket and two
// files' histograms merge exactly.
//
//   {"unit": "us", "significant_digits": 3, "count": 3, "min": 980, "max": 1210,
//    "clamped": 0, "buckets": [[980, 1], [1002, 1], [1210, 1]]}
#include "results/result_readers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace overlap {

namespace json = boost::json;

void tag_invoke(const json::value_from_tag&, json::value& out, const hdr_histogram& h) {
  json::array buckets;
  for (const auto& b : h.nonzero_buckets()) {
    buckets.push_back(json::array{b.value_us, b.count});
  }
  out = {{"unit", "us"},
         {"significant_digits", hdr_histogram::significant_digits},
         {"count", h.count()},
         {"min", h.min_us()},
         {"max", h.max_us()},
         {"clamped", h.clamped()},
         {"buckets", std::move(buckets)}};
}

hdr_histogram tag_invoke(const json::value_to_tag<hdr_histogram>&, const json::value& in) {
  return results::read_histogram(record::fields::of(in));
}

namespace results {

std::uint64_t unsigned_of(const record::fields& f, const json::value& v, const std::string& where) {
  if (!(v.is_uint64() || (v.is_int64() && v.as_int64() >= 0))) {
    f.fail(where, "expected a whole number of at least 0");
  }
  return v.to_number<std::uint64_t>();
}

hdr_histogram read_histogram(const record::fields& f) {
  if (f.required_string("unit") != "us") {
    f.fail("unit", "expected \"us\" (microseconds)");
  }
  if (f.required_integer("significant_digits") != hdr_histogram::significant_digits) {
    f.fail("significant_digits", "expected " + std::to_string(hdr_histogram::significant_digits));
  }
  hdr_histogram h;
  const auto& buckets = f.required_array("buckets");
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const auto where = "buckets[" + std::to_string(i) + "]";
    const auto* pair = buckets[i].if_array();
    if (pair == nullptr || pair->size() != 2) {
      f.fail(where, "expected [value_us, count]");
    }
    const auto value = unsigned_of(f, (*pair)[0], where + "[0]");
    const auto count = unsigned_of(f, (*pair)[1], where + "[1]");
    if (value > hdr_histogram::highest_trackable_us) {
      f.fail(where + "[0]", "above the histogram's range (1 hour)");
    }
    h.record_us(value, count);
  }
  const auto count = static_cast<std::uint64_t>(f.required_at_least("count", 0));
  if (count != h.count()) {
    f.fail("count", "is " + std::to_string(count) + " but the buckets hold " + std::to_string(h.count()));
  }
  const auto min = static_cast<std::uint64_t>(f.required_at_least("min", 0));
  const auto max = static_cast<std::uint64_t>(f.required_at_least("max", 0));
  if (count != 0 && (hdr_histogram::lowest_equivalent_us(min) != hdr_histogram::lowest_equivalent_us(h.min_us()) ||
                     hdr_histogram::lowest_equivalent_us(max) != hdr_histogram::lowest_equivalent_us(h.max_us()))) {
    f.fail("max", "min and max must fall in the first and last buckets");
  }
  const auto clamped = static_cast<std::uint64_t>(f.required_at_least("clamped", 0));
  if (clamped > count) {
    f.fail("clamped", "more than the count");
  }
  h.restore_extremes(min, max, clamped);
  return h;
}

} // namespace results

} // namespace overlap
