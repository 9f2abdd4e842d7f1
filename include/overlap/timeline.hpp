#pragma once
// A timeline of requests: when each started and ended, as the book's figures 8-2 to
// 8-6 draw them, and the files overlap writes them to (CSV, JSON, Chrome trace).
#include "overlap/run_header.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace overlap {

/// One request: seconds from its run's start; status 0 when no answer came.
struct request_span {
  std::uint64_t index = 0;
  double start = 0;
  double end = 0;
  int status = 0;
  std::uint64_t bytes = 0;
};

/// The requests of one run, labelled as the result file labels the run.
struct timeline_run {
  std::string strategy;
  std::size_t n = 0;
  std::size_t concurrency = 0;
  std::int64_t delay_ms = 0;
  std::vector<request_span> requests; // in completion order
};

enum class timeline_format { csv, json, trace };

/// The format a file name asks for: ".csv" is CSV, ".json" is JSON; anything else
/// has none (the caller says which).
std::optional<timeline_format> timeline_format_for(const std::filesystem::path& file);

/// Writes `runs` in `format` (see docs/FORMATS.md):
/// - csv: header `strategy,index,start,end,status,bytes`, one line per request;
/// - json: the common header, kind "timeline", and `runs` with their requests;
/// - trace: Chrome trace events (`{"traceEvents": [...]}`), one complete event per
///   request, on the lowest lane free at its start (so lanes never exceed the
///   largest number in flight), one process per run.
void write_timeline(std::ostream& out, timeline_format format, const run_header& header,
                    std::span<const timeline_run> runs);

/// Lanes for `requests`: each request gets the lowest lane not busy at its start.
/// The number of distinct lanes is the most requests in flight at once.
std::vector<std::uint32_t> assign_lanes(std::span<const request_span> requests);

} // namespace overlap
