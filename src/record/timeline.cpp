#include "overlap/timeline.hpp"

#include "record/json_text.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <numeric>
#include <queue>
#include <utility>

namespace overlap {

namespace {

constexpr std::size_t flush_bytes = 64 * 1024;

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

void write_csv(std::ostream& stream, std::span<const timeline_run> runs) {
  std::string out = "strategy,index,start,end,status,bytes\n";
  for (const auto& run : runs) {
    for (const auto& r : run.requests) {
      out += run.strategy;
      out += ',';
      append_uint(out, r.index);
      out += ',';
      append_fixed(out, r.start, 6);
      out += ',';
      append_fixed(out, r.end, 6);
      out += ',';
      append_uint(out, static_cast<std::uint64_t>(std::max(r.status, 0)));
      out += ',';
      append_uint(out, r.bytes);
      out += '\n';
      drain(stream, out);
    }
  }
  drain(stream, out, true);
}

void write_json(std::ostream& stream, const run_header& header, std::span<const timeline_run> runs) {
  std::string out = "{";
  append_header_fields(out, header, "timeline");
  out += ",\n \"runs\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    out += i == 0 ? "{\"strategy\": " : ",\n  {\"strategy\": ";
    record::append_json_string(out, run.strategy);
    out += ", \"n\": ";
    append_uint(out, run.n);
    out += ", \"concurrency\": ";
    append_uint(out, run.concurrency);
    out += ", \"delay_ms\": " + std::to_string(run.delay_ms) + ",\n   \"requests\": [";
    for (std::size_t k = 0; k < run.requests.size(); ++k) {
      const auto& r = run.requests[k];
      out += k == 0 ? "{\"index\": " : ",\n    {\"index\": ";
      append_uint(out, r.index);
      out += ", \"start\": ";
      append_fixed(out, r.start, 6);
      out += ", \"end\": ";
      append_fixed(out, r.end, 6);
      out += ", \"status\": " + std::to_string(r.status) + ", \"bytes\": ";
      append_uint(out, r.bytes);
      out += '}';
      drain(stream, out);
    }
    out += "]}";
  }
  out += "]}\n";
  drain(stream, out, true);
}

void write_trace(std::ostream& stream, const run_header& header, std::span<const timeline_run> runs) {
  std::string out = "{\"displayTimeUnit\": \"ms\", \"otherData\": {";
  append_header_fields(out, header, "timeline");
  out += "},\n \"traceEvents\": [";
  bool first = true;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    const std::string pid = std::to_string(i + 1);
    out += first ? "" : ",\n  ";
    first = false;
    out += "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": " + pid + ", \"tid\": 0, \"args\": {\"name\": ";
    record::append_json_string(out, run.strategy + " (n=" + std::to_string(run.n) +
                                        ", c=" + std::to_string(run.concurrency) + ")");
    out += "}}";
    const auto lanes = assign_lanes(run.requests);
    for (std::size_t k = 0; k < run.requests.size(); ++k) {
      const auto& r = run.requests[k];
      out += ",\n  {\"name\": \"request ";
      append_uint(out, r.index);
      out += "\", \"cat\": \"request\", \"ph\": \"X\", \"ts\": ";
      append_fixed(out, r.start * 1e6, 1);
      out += ", \"dur\": ";
      append_fixed(out, std::max(0.0, r.end - r.start) * 1e6, 1);
      out += ", \"pid\": " + pid + ", \"tid\": ";
      append_uint(out, lanes[k]);
      out += ", \"args\": {\"status\": " + std::to_string(r.status) + ", \"bytes\": ";
      append_uint(out, r.bytes);
      out += "}}";
      drain(stream, out);
    }
  }
  out += "]}\n";
  drain(stream, out, true);
}

} // namespace

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

std::vector<std::uint32_t> assign_lanes(std::span<const request_span> requests) {
  std::vector<std::size_t> order(requests.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return requests[a].start < requests[b].start; });
  using busy_lane = std::pair<double, std::uint32_t>; // end, lane
  std::priority_queue<busy_lane, std::vector<busy_lane>, std::greater<>> busy;
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> free_lanes;
  std::uint32_t next_lane = 0;
  std::vector<std::uint32_t> lanes(requests.size());
  for (const auto k : order) {
    while (!busy.empty() && busy.top().first <= requests[k].start) {
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
    busy.emplace(requests[k].end, lane);
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
