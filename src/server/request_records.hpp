#pragma once
// What the delay server remembers of each /add request, per name: the book's
// metric_data.json. Memory is bounded: past the limit, requests are still answered but
// no longer recorded (counted as dropped) until a flush with reset empties the records.
#include "overlap/delay_server.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace overlap::server {

using request_record = overlap::recorded_request; // seconds since the epoch
using records_by_name = std::map<std::string, std::vector<request_record>>;

/// What one record and one name cost against the limit (the record itself; the name's
/// bytes plus its hash node, string and vector headers).
inline constexpr std::size_t record_cost_bytes = sizeof(request_record);
inline constexpr std::size_t name_overhead_bytes = 96;

/// Records kept in one shard per event-loop thread, so that recording never contends
/// across threads; readers merge the shards. Each shard may use limit_bytes / shards.
/// Thread-safe.
class request_records {
public:
  request_records(unsigned shard_count, std::size_t limit_bytes);
  ~request_records();

  /// Records one request; `shard` is the calling event loop's index. False (and counted
  /// as dropped) when the shard's share of the limit is used up.
  bool add(unsigned shard, std::string_view name, double start, double end);

  /// Takes back a record that `add` made (its answer could not be written).
  void remove(unsigned shard, std::string_view name, double start, double end);

  /// Every record so far, merged across shards, each name's records in start order.
  records_by_name snapshot() const;
  /// Like snapshot, and empties the records at the same moment (flush with reset).
  records_by_name take();
  /// Puts back records that take() returned (their file could not be written).
  void restore(const records_by_name& records);

  /// The book's format: {"<name>": [{"start": s, "end": e, "dt": e - s}, ...], ...}.
  std::string to_json() const;

  std::size_t size() const noexcept; // records held
  std::size_t names() const noexcept;
  std::size_t bytes() const noexcept; // counted against the limit
  std::size_t limit_bytes() const noexcept { return limit_bytes_; }
  std::uint64_t dropped() const noexcept;

private:
  struct shard;
  std::size_t limit_bytes_;
  std::vector<std::unique_ptr<shard>> shards_;
};

/// Writes records as the book's JSON a piece at a time, so that a million records never
/// need their whole text in memory at once.
class records_json_writer {
public:
  explicit records_json_writer(const records_by_name& records);
  /// Appends the next piece (about `max_bytes`, or less at the end) to `out`; false
  /// once everything has been written.
  bool next(std::string& out, std::size_t max_bytes);

private:
  const records_by_name& records_;
  records_by_name::const_iterator name_;
  std::size_t index_ = 0;
  bool in_list_ = false;
  bool started_ = false;
  bool done_ = false;
};

/// The whole JSON text of a snapshot (for tests and small outputs).
std::string records_to_json(const records_by_name& records);

} // namespace overlap::server
