// Whole files: the header, the body of each kind, and reading any of them back.
#include "overlap/workload_output.hpp"
#include "record/json_text.hpp"
#include "results/number_or_null.hpp"
#include "results/result_readers.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <sstream>

namespace overlap {

namespace json = boost::json;

namespace {

void add_workload_body(json::object& o, const workload_results& w) {
  json::array runs;
  for (const auto& run : w.runs) {
    const auto refs = workload::find_references(w.runs, run.difficulty);
    auto entry = json::value_from(run);
    entry.as_object()["ratio_to_noio"] = results::number_or_null(workload::ratio_to_noio(run, refs));
    entry.as_object()["hidden_io_share"] = results::number_or_null(workload::hidden_io_share(run, refs));
    runs.push_back(std::move(entry));
  }
  json::object calibration;
  for (const auto& [cost, seconds] : w.calibration) {
    calibration[std::to_string(cost)] = seconds;
  }
  o["runs"] = std::move(runs);
  o["calibration"] = std::move(calibration);
}

void add_sweep_body(json::object& o, const sweep_results& s) {
  json::array best;
  for (const auto& b : best_per_delay(s.points)) {
    best.push_back({{"delay_ms", b.delay.count()}, {"concurrency", b.concurrency}, {"seconds", b.seconds}});
  }
  o["strategy"] = to_string(s.strategy);
  o["n"] = s.n;
  o["partial"] = s.partial;
  o["skipped_concurrencies"] = json::value_from(s.skipped_concurrencies);
  o["points"] = json::value_from(s.points);
  o["best"] = std::move(best);
  if (s.by_rate) {
    o["rate_points"] = json::value_from(s.rate_points);
    o["capacity_rps"] = results::number_or_null(s.capacity_rps);
  }
}

// Where the parser stopped, as "line L, column C", so a hand-edited file is fixable.
std::string position_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

json::value parse_json(std::string_view text, const std::string& name) {
  json::stream_parser parser;
  boost::system::error_code ec;
  const auto consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    throw result_file_error(name + ": not valid JSON (" + ec.message() + " at " + position_of(text, consumed) + ")");
  }
  return parser.release();
}

struct known_kind {
  std::string_view command, kind;
};
constexpr std::array known_kinds{known_kind{"crawl", "result"}, known_kind{"crawl", "timeline"},
                                 known_kind{"workload", "result"}, known_kind{"workload", "timeline"},
                                 known_kind{"sweep", "result"}};

/// Checks what the file says it is; returns its kind.
std::string check_identity(const record::fields& root) {
  if (root.object().contains("traceEvents")) {
    root.fail("", "a Chrome trace (--timeline-format trace), which overlap report does not draw; "
                  "write the timeline as JSON instead");
  }
  const auto command = root.required_string("command");
  if (command != "crawl" && command != "workload" && command != "sweep") {
    root.fail("command", "unknown command \"" + command + "\" (expected crawl, workload or sweep)");
  }
  const auto kind = root.required_string("kind");
  bool known = false;
  for (const auto& k : known_kinds) {
    known = known || (k.command == command && k.kind == kind);
  }
  if (!known) {
    root.fail("kind", "unknown kind \"" + kind + "\" for command " + command +
                          (command == "sweep" ? " (expected result)" : " (expected result or timeline)"));
  }
  const auto format = root.required_integer("format");
  if (format < 1 || format > format_version) {
    root.fail("format", "format " + std::to_string(format) + " is not one this overlap reads (1 to " +
                            std::to_string(format_version) + ")");
  }
  return kind;
}

/// A crawl timeline holds request spans; a workload timeline cpu and io spans.
void check_categories(const record::fields& root, const std::string& command, const timelines& t) {
  for (std::size_t r = 0; r < t.runs.size(); ++r) {
    const auto& spans = t.runs[r].spans;
    for (std::size_t i = 0; i < spans.size(); ++i) {
      if ((spans[i].category == span_category::request) != (command == "crawl")) {
        root.fail("runs[" + std::to_string(r) + "].spans[" + std::to_string(i) + "].category",
                  "a " + command + " timeline has no " + std::string(to_string(spans[i].category)) + " spans");
      }
    }
  }
}

run_header read_header(const json::value& value, const std::string& name) {
  try {
    return json::value_to<run_header>(value);
  } catch (const result_file_error& e) {
    throw result_file_error(name + ": " + e.what());
  }
}

template <class T, class Read> std::vector<T> read_array(const record::fields& root, std::string_view key, Read read) {
  const auto& array = root.required_array(key);
  std::vector<T> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    out.push_back(read(root.element(key, array, i)));
  }
  return out;
}

// "calibration": {"8": 0.0156, ...}: the keys are bcrypt costs, written as strings.
std::map<int, double> read_calibration(const record::fields& root) {
  std::map<int, double> out;
  const auto cal = root.child("calibration");
  for (const auto& entry : cal.object()) {
    const std::string_view key = entry.key();
    int cost = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), cost);
    if (ec != std::errc{} || end != key.data() + key.size()) {
      cal.fail(key, "the key must be a difficulty (a whole number)");
    }
    out[cost] = cal.required_number(key);
  }
  return out;
}

sweep_results read_sweep(const record::fields& root) {
  sweep_results s;
  s.strategy = results::required_name(root, "strategy", parse_crawl_strategy, "strategy");
  s.n = static_cast<std::size_t>(root.required_at_least("n", 1));
  s.partial = root.required_bool("partial");
  const auto& skipped = root.required_array("skipped_concurrencies");
  for (std::size_t i = 0; i < skipped.size(); ++i) {
    if (!skipped[i].is_int64() && !skipped[i].is_uint64()) {
      root.fail("skipped_concurrencies[" + std::to_string(i) + "]", "expected an integer");
    }
    s.skipped_concurrencies.push_back(static_cast<std::size_t>(skipped[i].to_number<std::uint64_t>()));
  }
  s.points = read_array<sweep_point>(root, "points", results::read_sweep_point);
  // Present in a rate sweep's file only.
  if (root.object().contains("rate_points")) {
    s.by_rate = true;
    s.rate_points = read_array<rate_point>(root, "rate_points", results::read_rate_point);
    s.capacity_rps = root.optional_number("capacity_rps");
  }
  return s;
}

} // namespace

sweep_results sweep_results_of(const sweep_options& options, std::vector<sweep_point> points) {
  sweep_results s;
  s.strategy = options.strategy;
  s.n = options.n;
  s.partial = points.size() < planned_points(options);
  s.skipped_concurrencies = skipped_concurrencies(options);
  s.points = std::move(points);
  return s;
}

sweep_results sweep_results_of(const rate_sweep_options& options, std::vector<rate_point> points) {
  sweep_results s;
  s.strategy = options.strategy;
  s.by_rate = true;
  for (const double rate : options.rates) {
    s.n = std::max(s.n, rate_point_requests(rate, options.point_time));
  }
  s.partial = points.size() < options.rates.size();
  s.rate_points = std::move(points);
  s.capacity_rps = rate_capacity(options);
  return s;
}

timeline_run timeline_of(const crawl_result& run) {
  timeline_run t;
  t.label = to_string(run.strategy);
  t.n = run.extrapolated ? run.timeline.size() : run.n; // an extrapolated run made fewer requests
  t.concurrency = run.concurrency;
  if (run.delay) {
    t.delay_ms = run.delay->count();
  }
  t.spans = run.timeline;
  t.started_at = run.started_at;
  if (run.shard) {
    t.shard = run.shard->shard;
  }
  t.shards = run.shards.size();
  return t;
}

timeline_run timeline_of(const workload_result& run) {
  timeline_run t;
  t.label = to_string(run.mode);
  t.n = run.n;
  t.concurrency = run.concurrency;
  t.difficulty = run.difficulty;
  t.spans.reserve(run.timeline.size() * 2);
  for (std::size_t i = 0; i < run.timeline.size(); ++i) {
    const auto& task = run.timeline[i];
    t.spans.push_back({.index = i, .start = task.cpu_start, .end = task.cpu_end, .category = span_category::cpu});
    if (!std::isnan(task.io_start) && !std::isnan(task.io_end)) {
      t.spans.push_back({.index = i, .start = task.io_start, .end = task.io_end, .category = span_category::io});
    }
  }
  return t;
}

std::string_view kind_of(const result_file& file) noexcept {
  return std::holds_alternative<timelines>(file.body) ? "timeline" : "result";
}

void tag_invoke(const json::value_from_tag&, json::value& out, const result_file& file) {
  auto o = header_fields(file.header, kind_of(file));
  if (const auto* c = std::get_if<crawl_results>(&file.body)) {
    o["runs"] = json::value_from(c->runs);
  } else if (const auto* w = std::get_if<workload_results>(&file.body)) {
    add_workload_body(o, *w);
  } else if (const auto* s = std::get_if<sweep_results>(&file.body)) {
    add_sweep_body(o, *s);
  } else {
    o["runs"] = json::value_from(std::get<timelines>(file.body).runs);
  }
  out = std::move(o);
}

std::string result_file_text(const result_file& file) {
  if (const auto* t = std::get_if<timelines>(&file.body)) {
    std::ostringstream out;
    write_timeline(out, timeline_format::json, file.header, t->runs);
    return std::move(out).str();
  }
  std::string text;
  record::append_json_value(text, json::value_from(file));
  return text + "\n";
}

result_file read_result_file(std::string_view text, const std::string& name) {
  const auto value = parse_json(text, name);
  if (!value.is_object()) {
    throw result_file_error(name + ": expected a JSON object with \"command\" and \"kind\", got " +
                            std::string(record::json_type_name(value)));
  }
  const auto root = record::fields::of(value, name);
  const auto kind = check_identity(root);
  result_file file{read_header(value, name), crawl_results{}};
  const auto& command = file.header.command;
  if (kind == "timeline") {
    file.body = timelines{read_array<timeline_run>(root, "runs", results::read_timeline_run)};
    check_categories(root, command, std::get<timelines>(file.body));
  } else if (command == "crawl") {
    file.body = crawl_results{read_array<crawl_result>(root, "runs", results::read_crawl_run)};
  } else if (command == "workload") {
    file.body =
        workload_results{read_array<workload_result>(root, "runs", results::read_workload_run), read_calibration(root)};
  } else {
    file.body = read_sweep(root);
  }
  return file;
}

} // namespace overlap
