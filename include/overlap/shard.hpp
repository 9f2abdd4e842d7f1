#pragma once
// One run spread over many processes or hosts (shards): what each shard's result carries
// so that the shards' results can be checked and merged into the whole run's
// (crawl_shards.hpp). No controller: the shards are started by whatever schedules
// processes (mpirun, a Kubernetes Indexed Job, srun) and begin at a common time.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace overlap {

/// Shard `index` of `count` (0 <= index < count).
struct shard_spec {
  std::size_t index = 0;
  std::size_t count = 1;
  friend bool operator==(const shard_spec&, const shard_spec&) = default;
};

/// A shard's result: which shard it is and the whole run it belongs to. Everything but
/// the index must agree for shards' results to merge.
struct shard_run {
  shard_spec shard;
  /// What the run fetched: "url <base URL>", "urls <digest of the list>" or "embedded"
  /// (each shard crawled a delay server inside its own process); "url per shard
  /// <template>" or "urls per shard <template>" when each shard put its index in {shard}.
  std::string target;
  /// The whole run's requests; none when each shard fetched its own list once or the
  /// run was bounded by --duration only (the run's n is then the sum of the shards').
  std::optional<std::size_t> n;
  std::size_t concurrency = 0; ///< the whole run's requests in flight at most
  std::optional<double> rate;  ///< the whole run's requests per second (open model)
  /// The common start, seconds since the Unix epoch, when one was given.
  std::optional<double> start_at;
  friend bool operator==(const shard_run&, const shard_run&) = default;
};

/// One shard's part of a merged result: enough to say which one failed and how.
struct shard_outcome {
  std::size_t index = 0;
  std::size_t n = 0;
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  std::size_t errors = 0; ///< failed attempts, every kind
  std::uint64_t result = 0;
  double seconds = 0;
  double started_at = 0; ///< seconds since the Unix epoch; 0 when unknown
  /// Why the shard has no result at all (its run could not start), empty otherwise.
  std::string error;
  friend bool operator==(const shard_outcome&, const shard_outcome&) = default;
};

} // namespace overlap
