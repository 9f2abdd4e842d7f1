// Each public result type to and from JSON: the one definition of their fields.
#include "results/number_or_null.hpp"
#include "results/result_readers.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <string>

namespace overlap {

namespace json = boost::json;

namespace {

std::uint64_t count_at(const record::fields& f, std::string_view key) {
  return static_cast<std::uint64_t>(f.required_at_least(key, 0));
}

// An offered rate: requests per second, above 0.
double required_rate(const record::fields& f) {
  const double rate = f.required_number("rate");
  if (!(rate > 0)) {
    f.fail("rate", "expected a rate above 0");
  }
  return rate;
}

// Every kind, also those that never happened, so that readers see the whole vocabulary.
json::object failure_counts_json(const failure_counts& counts) {
  json::object kinds;
  for (auto kind : all_failure_kinds) {
    kinds[to_string(kind)] = count_of(counts, kind);
  }
  return kinds;
}

// Takes every kind it knows; refuses one it does not (a newer writer's).
failure_counts read_failure_counts(const record::fields& f) {
  failure_counts counts{};
  const auto kinds = f.child("errors_by_kind");
  for (const auto& entry : kinds.object()) {
    bool known = false;
    for (auto kind : all_failure_kinds) {
      if (to_string(kind) == std::string_view(entry.key())) {
        count_of(counts, kind) = count_at(kinds, entry.key());
        known = true;
      }
    }
    if (!known) {
      kinds.fail(entry.key(), "unknown failure kind");
    }
  }
  return counts;
}

json::object statuses_json(const std::map<int, std::size_t>& statuses) {
  json::object out;
  for (const auto& [status, count] : statuses) {
    out[std::to_string(status)] = count;
  }
  return out;
}

// "failed_statuses" and "statuses" are optional (files written before them have none):
// HTTP status -> count.
std::map<int, std::size_t> read_statuses(const record::fields& f, std::string_view key) {
  std::map<int, std::size_t> statuses;
  if (f.optional_object(key) == nullptr) {
    return statuses;
  }
  const auto entries = f.child(key);
  for (const auto& entry : entries.object()) {
    const std::string_view key = entry.key();
    int status = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), status);
    if (ec != std::errc{} || end != key.data() + key.size() || status < 100 || status > 599) {
      entries.fail(key, "not an HTTP status");
    }
    statuses[status] = static_cast<std::size_t>(count_at(entries, key));
  }
  return statuses;
}

json::object tls_json(const tls_handshake_counts& t) {
  json::object out{{"handshakes", t.handshakes}, {"resumed", t.resumed}, {"failed", t.failed}};
  if (!t.failure.empty()) {
    out["failure"] = t.failure;
  }
  return out;
}

// "tls" is optional: present for https:// runs only.
std::optional<tls_handshake_counts> read_tls(const record::fields& f) {
  if (f.optional_object("tls") == nullptr) {
    return std::nullopt;
  }
  const auto t = f.child("tls");
  tls_handshake_counts counts;
  counts.handshakes = static_cast<std::size_t>(count_at(t, "handshakes"));
  counts.resumed = static_cast<std::size_t>(count_at(t, "resumed"));
  counts.failed = static_cast<std::size_t>(count_at(t, "failed"));
  if (counts.resumed > counts.handshakes) {
    t.fail("resumed", "more than the handshakes");
  }
  counts.failure = t.optional_string("failure").value_or("");
  return counts;
}

/// A shard's place, as a shard's result and a shard's timeline both write it.
json::object shard_spec_json(const shard_spec& shard) { return {{"index", shard.index}, {"count", shard.count}}; }

/// `s`'s index and count, the index below the count.
shard_spec read_shard_spec(const record::fields& s) {
  shard_spec shard;
  shard.count = static_cast<std::size_t>(s.required_at_least("count", 1));
  shard.index = count_at(s, "index");
  if (shard.index >= shard.count) {
    s.fail("index", "not below the count " + std::to_string(shard.count));
  }
  return shard;
}

json::object shard_run_json(const shard_run& run) {
  json::object o = shard_spec_json(run.shard);
  o.insert({{"target", run.target},
            {"n", run.n ? json::value(*run.n) : json::value(nullptr)},
            {"concurrency", run.concurrency}});
  o["rate"] = results::number_or_null(run.rate);
  o["start_at"] = results::number_or_null(run.start_at);
  return o;
}

// "shard" is optional: present in a shard's result only (--shard, an MPI rank).
std::optional<shard_run> read_shard_run(const record::fields& f) {
  if (f.optional_object("shard") == nullptr) {
    return std::nullopt;
  }
  const auto s = f.child("shard");
  shard_run run;
  run.shard = read_shard_spec(s);
  run.target = s.required_string("target");
  if (s.object().if_contains("n") == nullptr) {
    s.fail("n", "missing (an integer, or null when no shard knew the run's n, is required)");
  }
  if (s.optional_integer("n")) { // null: each shard's own list once, or --duration only
    run.n = count_at(s, "n");
  }
  run.concurrency = count_at(s, "concurrency");
  run.rate = s.optional_number("rate");
  run.start_at = s.optional_number("start_at");
  return run;
}

json::array shard_outcomes_json(const std::vector<shard_outcome>& shards) {
  json::array out;
  for (const auto& s : shards) {
    json::object o{
        {"index", s.index},   {"n", s.n},           {"succeeded", s.succeeded}, {"failed", s.failed},
        {"errors", s.errors}, {"result", s.result}, {"seconds", s.seconds},     {"started_at", s.started_at}};
    if (!s.error.empty()) {
      o["error"] = s.error;
    }
    out.push_back(std::move(o));
  }
  return out;
}

// "shards" is optional: present in a merged result only.
std::vector<shard_outcome> read_shard_outcomes(const record::fields& f) {
  std::vector<shard_outcome> shards;
  const auto* present = f.object().if_contains("shards");
  if (present == nullptr || present->is_null()) {
    return shards;
  }
  const auto& entries = f.required_array("shards");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto e = f.element("shards", entries, i);
    shard_outcome s;
    s.index = count_at(e, "index");
    s.n = count_at(e, "n");
    s.succeeded = count_at(e, "succeeded");
    s.failed = count_at(e, "failed");
    s.errors = count_at(e, "errors");
    s.result = count_at(e, "result");
    s.seconds = e.required_non_negative("seconds");
    s.started_at = e.required_non_negative("started_at");
    s.error = e.optional_string("error").value_or("");
    shards.push_back(std::move(s));
  }
  return shards;
}

} // namespace

void tag_invoke(const json::value_from_tag&, json::value& out, const latency_summary& l) {
  json::object o{{"p50", l.p50_ms}, {"p90", l.p90_ms}, {"p99", l.p99_ms}};
  o["p99_9"] = results::number_or_null(l.p99_9_ms);
  o["p99_99"] = results::number_or_null(l.p99_99_ms);
  o["max"] = l.max_ms;
  out = std::move(o);
}

latency_summary tag_invoke(const json::value_to_tag<latency_summary>&, const json::value& in) {
  return results::read_latency_summary(record::fields::of(in));
}

void tag_invoke(const json::value_from_tag&, json::value& out, const open_model_result& m) {
  out = {{"rate", m.rate},
         {"achieved_rate", results::number_or_null(m.achieved_rate)},
         {"late_starts", m.late_starts},
         {"queued", m.queued},
         {"corrected_latency_ms", json::value_from(m.corrected)},
         {"corrected_histogram", json::value_from(m.corrected_histogram)},
         {"lateness_ms", json::value_from(summary_of(m.lateness_histogram))},
         {"lateness_histogram", json::value_from(m.lateness_histogram)},
         {"sent_per_second", json::value_from(m.sent_per_second)}};
}

open_model_result tag_invoke(const json::value_to_tag<open_model_result>&, const json::value& in) {
  return results::read_open_model(record::fields::of(in));
}

void tag_invoke(const json::value_from_tag&, json::value& out, const crawl_result& r) {
  json::object o;
  o["strategy"] = to_string(r.strategy);
  o["n"] = r.n;
  o["concurrency"] = r.concurrency;
  o["delay_ms"] = r.delay ? json::value(r.delay->count()) : json::value(nullptr);
  o["result"] = r.result;
  o["seconds"] = r.seconds;
  o["limit_seconds"] = results::number_or_null(r.limit_seconds());
  o["efficiency"] = results::number_or_null(r.efficiency());
  o["requests_per_second"] = results::number_or_null(r.requests_per_second());
  o["extrapolated"] = r.extrapolated;
  o["succeeded"] = r.succeeded;
  o["failed"] = r.failed;
  o["failed_statuses"] = statuses_json(r.failed_statuses);
  o["statuses"] = statuses_json(r.statuses);
  o["timed"] = r.timed;
  o["errors"] = r.errors();
  o["errors_by_kind"] = failure_counts_json(r.errors_by_kind);
  o["retries"] = r.retries;
  o["connections"] = r.connections;
  if (r.tls) {
    o["tls"] = tls_json(*r.tls);
  }
  o["latency_ms"] = json::value_from(r.latency);
  o["latency_histogram"] = json::value_from(r.latency_histogram);
  if (r.open_model) {
    o["open_model"] = json::value_from(*r.open_model);
  }
  if (r.started_at > 0) {
    o["started_at"] = r.started_at;
  }
  if (r.shard) {
    o["shard"] = shard_run_json(*r.shard);
  }
  if (!r.shards.empty()) {
    o["shards"] = shard_outcomes_json(r.shards);
  }
  out = std::move(o);
}

crawl_result tag_invoke(const json::value_to_tag<crawl_result>&, const json::value& in) {
  return results::read_crawl_run(record::fields::of(in));
}

void tag_invoke(const json::value_from_tag&, json::value& out, const sweep_point& p) {
  out = {{"delay_ms", p.delay.count()},
         {"concurrency", p.concurrency},
         {"seconds", p.seconds},
         {"limit_seconds", p.limit_seconds},
         {"errors", p.errors}};
}

sweep_point tag_invoke(const json::value_to_tag<sweep_point>&, const json::value& in) {
  return results::read_sweep_point(record::fields::of(in));
}

void tag_invoke(const json::value_from_tag&, json::value& out, const rate_point& p) {
  out = {{"rate", p.rate},
         {"achieved_rate", results::number_or_null(p.achieved_rate)},
         {"delay_ms", p.delay.count()},
         {"concurrency", p.concurrency},
         {"n", p.n},
         {"corrected_latency_ms", json::value_from(p.corrected)},
         {"latency_ms", json::value_from(p.uncorrected)},
         {"errors", p.errors},
         {"late_starts", p.late_starts},
         {"queued", p.queued}};
}

rate_point tag_invoke(const json::value_to_tag<rate_point>&, const json::value& in) {
  return results::read_rate_point(record::fields::of(in));
}

void tag_invoke(const json::value_from_tag&, json::value& out, const workload_result& r) {
  json::object o;
  o["mode"] = to_string(r.mode);
  o["n"] = r.n;
  o["difficulty"] = r.difficulty;
  o["seconds"] = r.seconds;
  o["sent"] = r.sent;
  o["saved"] = r.saved;
  o["failed"] = r.failed;
  o["retried"] = r.retried;
  o["errors_by_kind"] = failure_counts_json(r.errors_by_kind);
  o["batch_size"] = r.batch_size;
  o["concurrency"] = r.concurrency;
  o["workers"] = r.workers;
  out = std::move(o);
}

workload_result tag_invoke(const json::value_to_tag<workload_result>&, const json::value& in) {
  return results::read_workload_run(record::fields::of(in));
}

void tag_invoke(const json::value_from_tag&, json::value& out, const span& s) {
  json::object o{{"index", s.index}, {"category", to_string(s.category)}, {"start", s.start}, {"end", s.end}};
  if (s.category == span_category::request) {
    o["status"] = s.status;
    o["bytes"] = s.bytes;
  }
  out = std::move(o);
}

span tag_invoke(const json::value_to_tag<span>&, const json::value& in) {
  return results::read_span(record::fields::of(in));
}

void tag_invoke(const json::value_from_tag&, json::value& out, const timeline_run& run) {
  json::array spans;
  for (const auto& s : run.spans) {
    spans.push_back(json::value_from(s));
    if (run.shards > 0) {
      spans.back().as_object()["shard"] = s.shard;
    }
  }
  json::object o{{"label", run.label},
                 {"n", run.n},
                 {"concurrency", run.concurrency},
                 {"delay_ms", run.delay_ms ? json::value(*run.delay_ms) : json::value(nullptr)},
                 {"difficulty", run.difficulty ? json::value(*run.difficulty) : json::value(nullptr)}};
  if (run.started_at > 0) {
    o["started_at"] = run.started_at;
  }
  if (run.shard) {
    o["shard"] = shard_spec_json(*run.shard);
  }
  if (run.shards > 0) {
    o["shards"] = run.shards;
  }
  o["spans"] = std::move(spans);
  out = std::move(o);
}

timeline_run tag_invoke(const json::value_to_tag<timeline_run>&, const json::value& in) {
  return results::read_timeline_run(record::fields::of(in));
}

namespace results {

crawl_result read_crawl_run(const record::fields& f) {
  crawl_result r;
  r.strategy = required_name(f, "strategy", parse_crawl_strategy, "strategy");
  r.n = count_at(f, "n");
  r.concurrency = static_cast<std::size_t>(f.required_at_least("concurrency", 1));
  if (f.optional_number("delay_ms")) {
    r.delay = std::chrono::milliseconds(f.required_at_least("delay_ms", 0));
  }
  r.result = count_at(f, "result");
  r.seconds = f.required_non_negative("seconds");
  r.extrapolated = f.required_bool("extrapolated");
  r.succeeded = count_at(f, "succeeded");
  r.failed = count_at(f, "failed");
  r.failed_statuses = read_statuses(f, "failed_statuses");
  r.statuses = read_statuses(f, "statuses");
  r.timed = f.optional_bool("timed").value_or(false);
  r.errors_by_kind = read_failure_counts(f);
  r.retries = count_at(f, "retries");
  r.connections = count_at(f, "connections");
  r.tls = read_tls(f);
  r.latency = read_latency_summary(f.child("latency_ms"));
  // Both optional: files written before histograms and the open model have neither.
  if (f.optional_object("latency_histogram") != nullptr) {
    r.latency_histogram = read_histogram(f.child("latency_histogram"));
  }
  if (f.optional_object("open_model") != nullptr) {
    r.open_model = read_open_model(f.child("open_model"));
  }
  // Optional: files written before runs could be spread over processes have none.
  r.started_at = f.optional_number("started_at").value_or(0);
  if (r.started_at < 0) {
    f.fail("started_at", "expected a time since the Unix epoch");
  }
  r.shard = read_shard_run(f);
  r.shards = read_shard_outcomes(f);
  return r;
}

latency_summary read_latency_summary(const record::fields& f) {
  latency_summary l;
  l.p50_ms = f.required_number("p50");
  l.p90_ms = f.required_number("p90");
  l.p99_ms = f.required_number("p99");
  l.p99_9_ms = f.optional_number("p99_9");
  l.p99_99_ms = f.optional_number("p99_99");
  l.max_ms = f.required_number("max");
  return l;
}

open_model_result read_open_model(const record::fields& f) {
  open_model_result m;
  m.rate = required_rate(f);
  m.achieved_rate = f.optional_number("achieved_rate");
  m.late_starts = count_at(f, "late_starts");
  m.queued = count_at(f, "queued");
  m.corrected = read_latency_summary(f.child("corrected_latency_ms"));
  m.corrected_histogram = read_histogram(f.child("corrected_histogram"));
  m.lateness_histogram = read_histogram(f.child("lateness_histogram"));
  const auto& sent = f.required_array("sent_per_second");
  for (std::size_t i = 0; i < sent.size(); ++i) {
    m.sent_per_second.push_back(
        static_cast<std::size_t>(unsigned_of(f, sent[i], "sent_per_second[" + std::to_string(i) + "]")));
  }
  return m;
}

sweep_point read_sweep_point(const record::fields& f) {
  sweep_point p;
  p.delay = std::chrono::milliseconds(f.required_at_least("delay_ms", 0));
  p.concurrency = static_cast<std::size_t>(f.required_at_least("concurrency", 1));
  p.seconds = f.required_non_negative("seconds");
  p.limit_seconds = f.required_non_negative("limit_seconds");
  p.errors = count_at(f, "errors");
  return p;
}

rate_point read_rate_point(const record::fields& f) {
  rate_point p;
  p.rate = required_rate(f);
  p.achieved_rate = f.optional_number("achieved_rate");
  p.delay = std::chrono::milliseconds(f.required_at_least("delay_ms", 0));
  p.concurrency = static_cast<std::size_t>(f.required_at_least("concurrency", 1));
  p.n = static_cast<std::size_t>(f.required_at_least("n", 1));
  p.corrected = read_latency_summary(f.child("corrected_latency_ms"));
  p.uncorrected = read_latency_summary(f.child("latency_ms"));
  p.errors = count_at(f, "errors");
  p.late_starts = count_at(f, "late_starts");
  p.queued = count_at(f, "queued");
  return p;
}

workload_result read_workload_run(const record::fields& f) {
  workload_result r;
  r.mode = required_name(f, "mode", parse_workload_mode, "mode");
  r.n = static_cast<std::size_t>(f.required_at_least("n", 1));
  r.difficulty = static_cast<int>(f.required_at_least("difficulty", 0));
  r.seconds = f.required_non_negative("seconds");
  r.sent = count_at(f, "sent");
  r.saved = count_at(f, "saved");
  r.failed = count_at(f, "failed");
  r.retried = count_at(f, "retried");
  r.errors_by_kind = read_failure_counts(f);
  r.batch_size = count_at(f, "batch_size");
  r.concurrency = count_at(f, "concurrency");
  r.workers = static_cast<unsigned>(f.required_at_least("workers", 1));
  return r;
}

span read_span(const record::fields& f) {
  span s;
  s.index = count_at(f, "index");
  const auto category = f.required_string("category");
  const auto parsed = parse_span_category(category);
  if (!parsed) {
    f.fail("category", "unknown category \"" + category + "\" (expected request, cpu or io)");
  }
  s.category = *parsed;
  s.start = f.required_number("start");
  s.end = f.required_number("end");
  if (s.end < s.start) {
    f.fail("end", "ends before it starts (start " + std::to_string(s.start) + ", end " + std::to_string(s.end) + ")");
  }
  s.status = static_cast<int>(f.optional_integer("status").value_or(0));
  s.bytes = static_cast<std::uint64_t>(f.optional_integer("bytes").value_or(0));
  if (f.optional_number("shard")) {
    const auto shard = count_at(f, "shard");
    if (shard > std::numeric_limits<std::uint32_t>::max()) {
      f.fail("shard", "not a shard's index");
    }
    s.shard = static_cast<std::uint32_t>(shard);
  }
  return s;
}

timeline_run read_timeline_run(const record::fields& f) {
  timeline_run r;
  r.label = f.required_string("label");
  r.n = count_at(f, "n");
  r.concurrency = count_at(f, "concurrency");
  r.delay_ms = f.optional_integer("delay_ms");
  if (const auto difficulty = f.optional_integer("difficulty")) {
    r.difficulty = static_cast<int>(*difficulty);
  }
  // All three optional: a shard's timeline (--shard, an MPI rank) or a merged run's only.
  r.started_at = f.optional_number("started_at").value_or(0);
  if (r.started_at < 0) {
    f.fail("started_at", "expected a time since the Unix epoch");
  }
  if (f.optional_object("shard") != nullptr) {
    r.shard = read_shard_spec(f.child("shard"));
  }
  if (f.optional_number("shards")) {
    r.shards = count_at(f, "shards");
  }
  const auto& spans = f.required_array("spans");
  r.spans.reserve(spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const auto where = f.element("spans", spans, i);
    r.spans.push_back(read_span(where));
    if (r.shards > 0 && r.spans.back().shard >= r.shards) {
      where.fail("shard", "not below the run's shards " + std::to_string(r.shards));
    }
  }
  return r;
}

} // namespace results

} // namespace overlap
