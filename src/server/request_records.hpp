#pragma once
// What the delay server remembers of each /add request, per name: the book's
// metric_data.json.
#include "overlap/delay_server.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace overlap::server {

using request_record = overlap::recorded_request; // seconds since the epoch

/// Records kept in one shard per event-loop thread, so that recording never contends
/// across threads; readers merge the shards. Thread-safe.
class request_records {
public:
  explicit request_records(unsigned shard_count);
  ~request_records();

  /// Records one request; `shard` is the calling event loop's index.
  void add(unsigned shard, std::string_view name, double start, double end);

  /// Every record so far, merged across shards, each name's records in start order.
  std::map<std::string, std::vector<request_record>> snapshot() const;

  /// The book's format: {"<name>": [{"start": s, "end": e, "dt": e - s}, ...], ...}.
  std::string to_json() const;

  std::size_t size() const;

private:
  struct shard;
  std::vector<std::unique_ptr<shard>> shards_;
};

/// The JSON text of a snapshot (exposed for tests).
std::string records_to_json(const std::map<std::string, std::vector<request_record>>& records);

} // namespace overlap::server
