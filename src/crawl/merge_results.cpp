// merge_crawl_results: the whole run's result from its shards', exactly (counts add,
// histograms merge bucket by bucket, summaries come from the merged histograms).
#include "overlap/crawl_shards.hpp"

#include <algorithm>
#include <stdexcept>

namespace overlap {

namespace {

[[noreturn]] void refuse(const std::string& why) { throw std::invalid_argument(why); }

std::string delay_text(const std::optional<std::chrono::milliseconds>& delay) {
  return delay ? std::to_string(delay->count()) + " ms" : std::string("unknown");
}

/// The shard records agree on the run and cover 0..K-1 exactly once.
void check_shards(const std::vector<crawl_result>& parts) {
  const auto& first = *parts.front().shard;
  const auto count = first.shard.count;
  std::vector<bool> seen(count, false);
  for (const auto& part : parts) {
    const auto& run = *part.shard;
    if (run.shard.count != count) {
      refuse("the results are of different runs: shard counts " + std::to_string(count) + " and " +
             std::to_string(run.shard.count));
    }
    if (run.target != first.target) {
      refuse("the results are of different runs: targets '" + first.target + "' and '" + run.target + "'");
    }
    if (run.n != first.n || run.concurrency != first.concurrency || run.rate != first.rate ||
        run.start_at != first.start_at) {
      refuse("the results are of different runs: their settings differ (-n, -c, --rate or --start-at)");
    }
    if (run.shard.index >= count) {
      refuse("shard " + std::to_string(run.shard.index) + " of " + std::to_string(count) + " does not exist");
    }
    if (seen[run.shard.index]) {
      refuse("shard " + std::to_string(run.shard.index) + " of " + std::to_string(count) + " is given twice");
    }
    seen[run.shard.index] = true;
  }
  const auto missing = std::find(seen.begin(), seen.end(), false);
  if (missing != seen.end()) {
    const auto absent = std::count(seen.begin(), seen.end(), false);
    refuse("shard " + std::to_string(missing - seen.begin()) + " of " + std::to_string(count) + " is missing" +
           (absent > 1 ? " (and " + std::to_string(absent - 1) + " more)" : ""));
  }
}

void check_mergeable(const std::vector<crawl_result>& parts) {
  if (parts.empty()) {
    refuse("nothing to merge");
  }
  const auto& first = parts.front();
  for (const auto& part : parts) {
    if (!part.shards.empty()) {
      refuse("a merged result cannot be merged again: merge the shards' own results");
    }
    if (part.strategy != first.strategy) {
      refuse("the results are of different runs: strategies " + std::string(to_string(first.strategy)) + " and " +
             std::string(to_string(part.strategy)));
    }
    if (part.delay != first.delay) {
      refuse("the results are of different runs: delays " + delay_text(first.delay) + " and " + delay_text(part.delay));
    }
    if (part.open_model.has_value() != first.open_model.has_value()) {
      refuse("the results are of different runs: some paced (--rate), some not");
    }
    if (part.shard.has_value() != first.shard.has_value()) {
      refuse("some results are shards (--shard) and some are not");
    }
  }
  if (first.shard) {
    check_shards(parts);
  }
}

shard_outcome outcome_of(const crawl_result& part, std::size_t position) {
  return {.index = part.shard ? part.shard->shard.index : position,
          .n = part.n,
          .succeeded = part.succeeded,
          .failed = part.failed,
          .errors = part.errors(),
          .result = part.result,
          .seconds = part.seconds,
          .started_at = part.started_at,
          .error = {}};
}

void add_tls(crawl_result& into, const std::optional<tls_handshake_counts>& tls) {
  if (!tls) {
    return;
  }
  if (!into.tls) {
    into.tls = tls_handshake_counts{};
  }
  into.tls->handshakes += tls->handshakes;
  into.tls->resumed += tls->resumed;
  into.tls->failed += tls->failed;
  if (into.tls->failure.empty()) {
    into.tls->failure = tls->failure;
  }
}

void add_open_model(open_model_result& into, const open_model_result& part) {
  into.rate += part.rate;
  if (part.achieved_rate) {
    into.achieved_rate = into.achieved_rate.value_or(0) + *part.achieved_rate;
  }
  into.corrected_histogram.merge(part.corrected_histogram);
  into.lateness_histogram.merge(part.lateness_histogram);
  into.late_starts += part.late_starts;
  into.queued += part.queued;
  if (into.sent_per_second.size() < part.sent_per_second.size()) {
    into.sent_per_second.resize(part.sent_per_second.size(), 0);
  }
  for (std::size_t i = 0; i < part.sent_per_second.size(); ++i) {
    into.sent_per_second[i] += part.sent_per_second[i];
  }
}

/// From the earliest start to the latest end when every part knows its start; the
/// longest part's time otherwise.
void set_span(crawl_result& merged, const std::vector<crawl_result>& parts) {
  const bool starts_known =
      std::all_of(parts.begin(), parts.end(), [](const crawl_result& p) { return p.started_at > 0; });
  double start = parts.front().started_at;
  double end = 0;
  double longest = 0;
  for (const auto& p : parts) {
    start = std::min(start, p.started_at);
    end = std::max(end, p.started_at + p.seconds);
    longest = std::max(longest, p.seconds);
  }
  merged.started_at = starts_known ? start : 0;
  merged.seconds = starts_known ? std::max(end - start, longest) : longest;
}

/// The parts' spans on the merged run's clock (from the earliest start), each marked
/// with its shard; shard i's request j is the run's request i + jK, the order in which
/// shard_options hands out the run's requests. In time order, as one process records.
void merge_timelines(crawl_result& merged, const std::vector<crawl_result>& parts) {
  std::size_t total = 0;
  for (const auto& part : parts) {
    total += part.timeline.size();
  }
  if (total == 0) {
    return;
  }
  merged.timeline.reserve(total);
  const auto count = parts.size();
  for (std::size_t position = 0; position < count; ++position) {
    const auto& part = parts[position];
    const auto shard = part.shard ? part.shard->shard.index : position;
    const double offset = merged.started_at > 0 ? part.started_at - merged.started_at : 0;
    for (auto s : part.timeline) {
      s.index = shard + s.index * count;
      s.start += offset;
      s.end += offset;
      s.shard = static_cast<std::uint32_t>(shard);
      merged.timeline.push_back(s);
    }
  }
  std::stable_sort(merged.timeline.begin(), merged.timeline.end(),
                   [](const span& a, const span& b) { return a.start < b.start; });
}

} // namespace

crawl_result merge_crawl_results(std::vector<crawl_result> parts) {
  check_mergeable(parts);
  crawl_result merged;
  merged.strategy = parts.front().strategy;
  merged.delay = parts.front().delay;
  if (parts.front().open_model) {
    merged.open_model = open_model_result{};
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    merged.n += part.n;
    merged.concurrency += part.concurrency;
    merged.result += part.result;
    merged.succeeded += part.succeeded;
    merged.failed += part.failed;
    for (std::size_t k = 0; k < merged.errors_by_kind.size(); ++k) {
      merged.errors_by_kind[k] += part.errors_by_kind[k];
    }
    merged.retries += part.retries;
    merged.connections += part.connections;
    merged.latency_histogram.merge(part.latency_histogram);
    if (merged.open_model) {
      add_open_model(*merged.open_model, *part.open_model);
    }
    merged.extrapolated = merged.extrapolated || part.extrapolated;
    merged.interrupted = merged.interrupted || part.interrupted;
    merged.timed = merged.timed || part.timed;
    for (const auto& [status, count] : part.failed_statuses) {
      merged.failed_statuses[status] += count;
    }
    for (const auto& [status, count] : part.statuses) {
      merged.statuses[status] += count;
    }
    add_tls(merged, part.tls);
    merged.shards.push_back(outcome_of(part, i));
  }
  set_span(merged, parts);
  merge_timelines(merged, parts);
  merged.latency = summary_of(merged.latency_histogram);
  if (merged.open_model) {
    merged.open_model->corrected = summary_of(merged.open_model->corrected_histogram);
  }
  std::sort(merged.shards.begin(), merged.shards.end(),
            [](const shard_outcome& a, const shard_outcome& b) { return a.index < b.index; });
  return merged;
}

} // namespace overlap
