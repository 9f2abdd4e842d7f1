#pragma once
// Timelines: when each request (crawl) or each task's CPU and I/O (workload) started and
// ended, as the book's figures 8-2 to 8-6 draw them. One span type, one lane rule and one
// writer for every timeline file (CSV, JSON, Chrome trace; docs/FORMATS.md).
#include "overlap/run_header.hpp"
#include "overlap/shard.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace overlap {

/// What a span times. Requests are the crawl's; cpu and io the workload's (a task's hash
/// and its save). Later categories (request phases) go after these.
enum class span_category : unsigned char { request, cpu, io };

inline constexpr std::size_t span_category_count = 3;
/// The name in files ("request", "cpu", "io").
std::string_view to_string(span_category category) noexcept;
std::optional<span_category> parse_span_category(std::string_view name) noexcept;

/// One timed span: seconds from its run's start. `index` is the request's or the task's;
/// a task has a cpu and an io span of the same index. status and bytes are a request's
/// (status 0 when no answer came). `shard` is the shard (MPI rank) that made it, in the
/// timeline of a run merged from shards; 0 otherwise.
struct span {
  std::uint64_t index = 0;
  double start = 0;
  double end = 0;
  int status = 0;
  std::uint64_t bytes = 0;
  span_category category = span_category::request;
  std::uint32_t shard = 0;
};

/// The crawl's name for its spans.
using request_span = span;

/// The spans of one run, labelled as the result file labels the run.
struct timeline_run {
  std::string label; // the strategy (crawl) or the mode (workload)
  std::size_t n = 0;
  std::size_t concurrency = 0;
  std::optional<std::int64_t> delay_ms; // crawl runs, when known
  std::optional<int> difficulty;        // workload runs
  std::vector<span> spans;              // in the order recorded
  /// Seconds since the Unix epoch of the instant the spans' times count from; 0 when
  /// unknown. With it, the timelines of shards that ran at once can be laid side by side.
  double started_at = 0;
  std::optional<shard_spec> shard; ///< a shard's own timeline: which shard of how many
  std::size_t shards = 0;          ///< a merged run's: from this many shards (spans say whose)
};

enum class timeline_format { csv, json, trace };

/// The format a file name asks for: ".csv" is CSV, ".json" is JSON; anything else
/// has none (the caller says which).
std::optional<timeline_format> timeline_format_for(const std::filesystem::path& file);

/// The format of a `--timeline FILE` given `--timeline-format NAME`: csv, json or trace
/// as named; "" or "auto" by the file's extension. Throws std::invalid_argument (one
/// line) for an unknown name or an extension that names no format.
timeline_format choose_timeline_format(std::string_view name, const std::filesystem::path& file);

/// Writes `runs` in `format`, streaming (a million spans never sit in memory twice):
/// - csv: header `label,index,category,start,end,status,bytes`, one line per span
///   (status and bytes empty for cpu and io spans), and a last column `shard` when a
///   run was merged from shards;
/// - json: the common header, kind "timeline", and `runs` with their spans (a merged
///   run's spans with their shard);
/// - trace: Chrome trace events (`{"traceEvents": [...]}`), one complete event per
///   span, one process per run, lanes from assign_lanes (a merged run's shard in args).
/// `header.command` names the command ("crawl", "workload").
void write_timeline(std::ostream& out, timeline_format format, const run_header& header,
                    std::span<const timeline_run> runs);

/// Lanes for `spans`: each span gets the lowest lane of its category not busy at its
/// start; the lanes of a category come after those of every earlier category. So the
/// lanes of a category number the most of its spans at once (a crawl's: the most
/// requests in flight; a workload's: cpu lanes, then io lanes).
std::vector<std::uint32_t> assign_lanes(std::span<const span> spans);

} // namespace overlap
