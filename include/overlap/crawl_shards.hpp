#pragma once
// One crawl spread over K processes: each runs shard i of K (its part of N, C and the
// rate), all begin at a common wall-clock time, and their results merge exactly into
// the whole run's (counts add, histograms merge bucket by bucket).
#include "overlap/crawl.hpp"
#include "overlap/shard.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace overlap {

/// At most this many shards (a typo guard: a million processes is not a load test).
inline constexpr std::size_t max_shards = 100'000;

/// "I/K" with 0 <= I < K <= max_shards; throws std::invalid_argument with a one-line
/// reason otherwise ("--shard 3/2: the index must be below the count").
shard_spec parse_shard_spec(std::string_view text);

/// The placeholder that --url, the path of --urls and the path of --body-file may carry:
/// each shard replaces it with its index before anything is read, so that shard i
/// fetches its own target (`--urls list-{shard}.txt`, `--url http://host-{shard}/`).
inline constexpr std::string_view shard_placeholder = "{shard}";

/// Whether `text` carries {shard}.
bool names_shard(std::string_view text) noexcept;

/// `text` with every {shard} replaced by `index` in decimal.
std::string with_shard_index(std::string_view text, std::size_t index);

/// A run whose target names {shard}: the options as written, before each shard puts its
/// index in. Empty (no field names {shard}): every shard fetches the one target.
struct per_shard_target {
  std::string url;       ///< --url as written, when it names {shard}
  std::string urls_file; ///< --urls's path as written, when it names {shard}
  std::string body_file; ///< --body-file's path as written, when it names {shard}
  /// With a per-shard list and no -n (nor --duration): each shard fetches its own list
  /// once, so the run's n is the sum of the lists' lengths, which no shard knows.
  bool own_list_once = false;

  bool empty() const noexcept { return url.empty() && urls_file.empty() && body_file.empty(); }
  friend bool operator==(const per_shard_target&, const per_shard_target&) = default;
};

/// The fields of `url`, `urls_file` and `body_file` that name {shard}; `n_given` says
/// whether the run's n was given (by -n or --duration) rather than the list's length.
/// Throws std::invalid_argument, one line, when one names {shard} and `sharded` is
/// false: without --shard or --mpi there is no index to put there.
per_shard_target find_per_shard_target(const std::string& url, const std::string& urls_file,
                                       const std::string& body_file, bool n_given, bool sharded);

/// Shard `shard.index`'s part of `whole`: of N, C and the rate, shard i gets N/K, C/K,
/// rate/K, the remainders of N and C one each to the first shards, so the totals are
/// exact. It makes the whole run's requests i, i+K, i+2K, ...: with a URL list, its
/// request j fetches the whole run's request i + jK's target. A seed (not 0) is mixed
/// with the index so that shards send different letters. Throws std::invalid_argument
/// when N or C is below K (a shard would have nothing to do). An unlimited n (a run
/// bound by its duration only) stays unlimited in every shard.
///
/// With `per_shard` naming a list (`whole.targets` is then this shard's own list, read
/// from its own path), the list is not sliced: the shard cycles its whole list over its
/// part of N, or, with `own_list_once`, fetches it once (`whole.n` is then its length
/// and is not split).
crawl_options shard_options(const crawl_options& whole, shard_spec shard, const per_shard_target& per_shard = {});

/// What a run fetches, for checking that shards belong together: "url <base URL>",
/// "urls <64-bit digest of the list's methods, URLs and bodies>", or "embedded" when
/// neither is given. When the target names {shard} each shard's differs, so the
/// template as written stands for all: "url per shard <--url>", "urls per shard
/// <--urls path>" (a --body-file path alone with {shard} leaves the identity as is).
std::string target_identity(const crawl_options& options, const per_shard_target& per_shard = {});

/// The shard_run a shard of `whole` records in its result. Its n is the whole run's,
/// none when no shard can know it: each fetched its own list once
/// (per_shard.own_list_once), or the run is bounded by its duration only.
shard_run shard_run_of(const crawl_options& whole, shard_spec shard, const per_shard_target& per_shard = {});

/// A start time given as seconds since the Unix epoch ("1795503925.5") or RFC 3339 in
/// UTC ("2026-12-02T03:30:00Z", fractions of a second allowed). Throws
/// std::invalid_argument for other text, for a time more than `max_ahead` after `now`
/// (a typo, not a plan), or more than `max_late` before it (the others began already).
std::chrono::system_clock::time_point parse_start_time(std::string_view text, std::chrono::system_clock::time_point now,
                                                       std::chrono::seconds max_ahead = std::chrono::hours(1),
                                                       std::chrono::seconds max_late = std::chrono::seconds(5));

/// The whole run's result from its shards' (or any runs' of the same settings):
/// - counts add (n, result, succeeded, failed, statuses, errors by kind, retries,
///   connections, TLS handshakes), and so do concurrency and the open model's rate,
///   late starts, queued requests and requests sent per second (second by second from
///   each shard's start);
/// - the histograms merge exactly and the latency summaries are recomputed from them,
///   so a merged percentile is that of one histogram of every request;
/// - seconds run from the earliest start to the latest end (started_at + seconds);
///   without start times, the longest shard's;
/// - the achieved rate is the sum of the shards' (each sent at its own pace at the same
///   time), none if no shard has one;
/// - extrapolated, interrupted and timed hold if any shard's does;
/// - the timelines join into one on the merged clock (each shard's times moved by its
///   start's distance from the earliest), in time order, each span marked with its
///   shard and numbered as the whole run's request (shard i's request j is i + jK);
/// - shards lists each part (by shard index, else in the given order).
/// Throws std::invalid_argument, one line, for no results, results of different
/// strategies, delays or models (closed and open), a merged result given again, some
/// with shard records and some without, shards of different runs (target, N, C, rate,
/// count or start time differ), or shards that are not 0..K-1 each exactly once.
crawl_result merge_crawl_results(std::vector<crawl_result> parts);

} // namespace overlap
