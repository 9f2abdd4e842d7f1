// The one timeline writer: CSV, JSON and Chrome trace for crawl and workload runs alike,
// streamed in bounded pieces because a timeline can hold a million spans.
#include "overlap/timeline.hpp"

#include "record/json_text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <utility>

namespace overlap {

namespace {

constexpr std::size_t flush_bytes = 64 * 1024;
constexpr std::array<std::string_view, span_category_count> category_names{"request", "cpu", "io"};

// Times are written to the microsecond (6 decimals in seconds), in every format.
void append_fixed(std::string& out, double value, int decimals) {
  char buffer[40];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  out.append(buffer, ec == std::errc{} ? end : buffer);
}

void append_uint(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

/// Writes `out` to the stream once it is large, so a million records never sit in memory twice.
void drain(std::ostream& stream, std::string& out, bool force = false) {
  if (force || out.size() >= flush_bytes) {
    stream.write(out.data(), static_cast<std::streamsize>(out.size()));
    out.clear();
  }
}

bool any_merged(std::span<const timeline_run> runs) {
  return std::any_of(runs.begin(), runs.end(), [](const timeline_run& run) { return run.shards > 0; });
}

void write_csv(std::ostream& stream, std::span<const timeline_run> runs) {
  const bool with_shard = any_merged(runs);
  std::string out = with_shard ? "label,index,category,start,end,status,bytes,shard\n"
                               : "label,index,category,start,end,status,bytes\n";
  for (const auto& run : runs) {
    for (const auto& s : run.spans) {
      out += run.label;
      out += ',';
      append_uint(out, s.index);
      out += ',';
      out += to_string(s.category);
      out += ',';
      append_fixed(out, s.start, 6);
      out += ',';
      append_fixed(out, s.end, 6);
      out += ',';
      if (s.category == span_category::request) {
        append_uint(out, static_cast<std::uint64_t>(std::max(s.status, 0)));
        out += ',';
        append_uint(out, s.bytes);
      } else {
        out += ',';
      }
      if (with_shard) {
        out += ',';
        append_uint(out, s.shard);
      }
      out += '\n';
      drain(stream, out);
    }
  }
  drain(stream, out, true);
}

/// The header object's text without its closing brace, so fields can follow.
std::string open_header(const run_header& header) {
  std::string text;
  record::append_json_value(text, boost::json::value(header_fields(header, "timeline")));
  text.pop_back();
  return text;
}

void append_run_fields(std::string& out, const timeline_run& run) {
  out += "{\"label\": ";
  record::append_json_string(out, run.label);
  out += ", \"n\": ";
  append_uint(out, run.n);
  out += ", \"concurrency\": ";
  append_uint(out, run.concurrency);
  out += ", \"delay_ms\": " + (run.delay_ms ? std::to_string(*run.delay_ms) : std::string("null"));
  out += ", \"difficulty\": " + (run.difficulty ? std::to_string(*run.difficulty) : std::string("null"));
  if (run.started_at > 0) {
    out += ", \"started_at\": ";
    append_fixed(out, run.started_at, 6);
  }
  if (run.shard) {
    out += ", \"shard\": {\"index\": ";
    append_uint(out, run.shard->index);
    out += ", \"count\": ";
    append_uint(out, run.shard->count);
    out += '}';
  }
  if (run.shards > 0) {
    out += ", \"shards\": ";
    append_uint(out, run.shards);
  }
}

void write_json(std::ostream& stream, const run_header& header, std::span<const timeline_run> runs) {
  std::string out = open_header(header) + ",\n \"runs\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    out += i == 0 ? "" : ",\n  ";
    append_run_fields(out, runs[i]);
    out += ",\n   \"spans\": [";
    bool first = true;
    for (const auto& s : runs[i].spans) {
      out += first ? "{\"index\": " : ",\n    {\"index\": ";
      first = false;
      append_uint(out, s.index);
      out += ", \"category\": \"";
      out += to_string(s.category);
      out += "\", \"start\": ";
      append_fixed(out, s.start, 6);
      out += ", \"end\": ";
      append_fixed(out, s.end, 6);
      if (s.category == span_category::request) {
        out += ", \"status\": " + std::to_string(s.status) + ", \"bytes\": ";
        append_uint(out, s.bytes);
      }
      if (runs[i].shards > 0) {
        out += ", \"shard\": ";
        append_uint(out, s.shard);
      }
      out += '}';
      drain(stream, out);
    }
    out += "]}";
  }
  out += "]}\n";
  drain(stream, out, true);
}

void append_process_name(std::string& out, const std::string& pid, const timeline_run& run) {
  out += "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": " + pid + ", \"tid\": 0, \"args\": {\"name\": ";
  std::string name = run.label + " (n=" + std::to_string(run.n);
  name += run.concurrency > 0 ? ", c=" + std::to_string(run.concurrency) : "";
  name += run.difficulty ? ", cost " + std::to_string(*run.difficulty) : "";
  name += run.shards > 0 ? ", " + std::to_string(run.shards) + " shards" : "";
  record::append_json_string(out, name + ")");
  out += "}}";
}

void write_trace(std::ostream& stream, const run_header& header, std::span<const timeline_run> runs) {
  std::string out = "{\"displayTimeUnit\": \"ms\", \"otherData\": " + open_header(header) + "},\n \"traceEvents\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    const std::string pid = std::to_string(i + 1);
    out += i == 0 ? "" : ",\n  ";
    append_process_name(out, pid, run);
    const auto lanes = assign_lanes(run.spans);
    for (std::size_t k = 0; k < run.spans.size(); ++k) {
      const auto& s = run.spans[k];
      out += ",\n  {\"name\": \"";
      out += to_string(s.category);
      out += ' ';
      append_uint(out, s.index);
      out += "\", \"cat\": \"";
      out += to_string(s.category);
      out += "\", \"ph\": \"X\", \"ts\": ";
      append_fixed(out, s.start * 1e6, 1);
      out += ", \"dur\": ";
      append_fixed(out, std::max(0.0, s.end - s.start) * 1e6, 1);
      out += ", \"pid\": " + pid + ", \"tid\": ";
      append_uint(out, lanes[k]);
      if (s.category == span_category::request) {
        out += ", \"args\": {\"status\": " + std::to_string(s.status) + ", \"bytes\": ";
        append_uint(out, s.bytes);
        if (run.shards > 0) {
          out += ", \"shard\": ";
          append_uint(out, s.shard);
        }
        out += '}';
      }
      out += '}';
      drain(stream, out);
    }
  }
  out += "]}\n";
  drain(stream, out, true);
}

/// Lanes within one category: the lowest lane free at each span's start.
std::uint32_t assign_category_lanes(std::span<const span> spans, const std::vector<std::size_t>& members,
                                    std::vector<std::uint32_t>& lanes, std::uint32_t first_lane) {
  using busy_lane = std::pair<double, std::uint32_t>; // end, lane
  std::priority_queue<busy_lane, std::vector<busy_lane>, std::greater<>> busy;
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> free_lanes;
  std::uint32_t next_lane = first_lane;
  for (const auto k : members) {
    while (!busy.empty() && busy.top().first <= spans[k].start) {
      free_lanes.push(busy.top().second);
      busy.pop();
    }
    std::uint32_t lane = next_lane;
    if (free_lanes.empty()) {
      ++next_lane;
    } else {
      lane = free_lanes.top();
      free_lanes.pop();
    }
    lanes[k] = lane;
    busy.emplace(spans[k].end, lane);
  }
  return next_lane;
}

} // namespace

std::string_view to_string(span_category category) noexcept {
  return category_names[static_cast<std::size_t>(category)];
}

std::optional<span_category> parse_span_category(std::string_view name) noexcept {
  for (std::size_t i = 0; i < category_names.size(); ++i) {
    if (category_names[i] == name) {
      return static_cast<span_category>(i);
    }
  }
  return std::nullopt;
}

std::optional<timeline_format> timeline_format_for(const std::filesystem::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".csv") {
    return timeline_format::csv;
  }
  if (ext == ".json") {
    return timeline_format::json;
  }
  return std::nullopt;
}

timeline_format choose_timeline_format(std::string_view name, const std::filesystem::path& file) {
  if (name == "csv") {
    return timeline_format::csv;
  }
  if (name == "json") {
    return timeline_format::json;
  }
  if (name == "trace") {
    return timeline_format::trace;
  }
  if (!name.empty() && name != "auto") {
    throw std::invalid_argument("timeline format '" + std::string(name) + "' is not csv, json or trace");
  }
  if (auto f = timeline_format_for(file)) {
    return *f;
  }
  throw std::invalid_argument("--timeline: name a .csv or .json file, or give --timeline-format");
}

std::vector<std::uint32_t> assign_lanes(std::span<const span> spans) {
  std::vector<std::size_t> order(spans.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return spans[a].start < spans[b].start; });
  std::array<std::vector<std::size_t>, span_category_count> by_category;
  for (const auto k : order) {
    by_category[static_cast<std::size_t>(spans[k].category)].push_back(k);
  }
  std::vector<std::uint32_t> lanes(spans.size());
  std::uint32_t first_lane = 0;
  for (const auto& members : by_category) {
    first_lane = assign_category_lanes(spans, members, lanes, first_lane);
  }
  return lanes;
}

void write_timeline(std::ostream& out, timeline_format format, const run_header& header,
                    std::span<const timeline_run> runs) {
  switch (format) {
  case timeline_format::csv: write_csv(out, runs); break;
  case timeline_format::json: write_json(out, header, runs); break;
  case timeline_format::trace: write_trace(out, header, runs); break;
  }
}

} // namespace overlap
