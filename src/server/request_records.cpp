#include "server/request_records.hpp"

#include "record/json_text.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace overlap::server {

namespace {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

constexpr auto relaxed = std::memory_order_relaxed;

void sort_by_start(records_by_name& merged) {
  for (auto& [name, records] : merged) {
    std::stable_sort(records.begin(), records.end(),
                     [](const request_record& a, const request_record& b) { return a.start < b.start; });
  }
}

} // namespace

struct alignas(64) request_records::shard {
  mutable std::mutex mutex;
  // Transparent lookup: finding a name costs no allocation on the request path.
  std::unordered_map<std::string, std::vector<request_record>, string_hash, std::equal_to<>> by_name;
  // Written under the mutex, read without it (gauges).
  std::atomic<std::size_t> records{0};
  std::atomic<std::size_t> bytes{0};
  std::atomic<std::uint64_t> dropped{0};

  void clear() {
    by_name.clear();
    records.store(0, relaxed);
    bytes.store(0, relaxed);
  }
};

request_records::request_records(unsigned shard_count, std::size_t limit_bytes) : limit_bytes_(limit_bytes) {
  shards_.reserve(std::max(1U, shard_count));
  for (unsigned i = 0; i < std::max(1U, shard_count); ++i) {
    shards_.push_back(std::make_unique<shard>());
  }
}

request_records::~request_records() = default;

bool request_records::add(unsigned shard_index, std::string_view name, double start, double end) {
  auto& s = *shards_[shard_index % shards_.size()];
  const std::size_t share = limit_bytes_ / shards_.size();
  std::lock_guard lock(s.mutex);
  const std::size_t used = s.bytes.load(relaxed);
  auto it = s.by_name.find(name);
  const std::size_t cost = record_cost_bytes + (it == s.by_name.end() ? name.size() + name_overhead_bytes : 0);
  if (used + cost > share) {
    s.dropped.fetch_add(1, relaxed);
    return false;
  }
  if (it == s.by_name.end()) {
    it = s.by_name.emplace(std::string(name), std::vector<request_record>{}).first;
  }
  it->second.push_back({start, end});
  s.bytes.store(used + cost, relaxed);
  s.records.store(s.records.load(relaxed) + 1, relaxed);
  return true;
}

void request_records::remove(unsigned shard_index, std::string_view name, double start, double end) {
  auto& s = *shards_[shard_index % shards_.size()];
  std::lock_guard lock(s.mutex);
  auto it = s.by_name.find(name);
  if (it == s.by_name.end()) {
    return;
  }
  auto& list = it->second;
  for (auto r = list.rbegin(); r != list.rend(); ++r) { // it is nearly always the last one
    if (r->start == start && r->end == end) {
      list.erase(std::next(r).base());
      std::size_t refund = record_cost_bytes;
      if (list.empty()) {
        refund += it->first.size() + name_overhead_bytes;
        s.by_name.erase(it);
      }
      s.bytes.store(s.bytes.load(relaxed) - refund, relaxed);
      s.records.store(s.records.load(relaxed) - 1, relaxed);
      return;
    }
  }
}

records_by_name request_records::snapshot() const {
  records_by_name merged;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mutex);
    for (const auto& [name, records] : s->by_name) {
      auto& into = merged[name];
      into.insert(into.end(), records.begin(), records.end());
    }
  }
  sort_by_start(merged);
  return merged;
}

records_by_name request_records::take() {
  records_by_name merged;
  for (const auto& s : shards_) {
    decltype(s->by_name) taken;
    {
      std::lock_guard lock(s->mutex);
      taken.swap(s->by_name);
      s->clear();
    }
    for (auto& [name, records] : taken) {
      auto& into = merged[name];
      into.insert(into.end(), records.begin(), records.end());
    }
  }
  sort_by_start(merged);
  return merged;
}

void request_records::restore(const records_by_name& records) {
  for (const auto& [name, list] : records) {
    for (const auto& r : list) {
      add(0, name, r.start, r.end); // at most what was taken, less what arrived meanwhile
    }
  }
}

std::size_t request_records::size() const noexcept {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    total += s->records.load(relaxed);
  }
  return total;
}

std::size_t request_records::names() const noexcept {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mutex);
    total += s->by_name.size();
  }
  return total;
}

std::size_t request_records::bytes() const noexcept {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    total += s->bytes.load(relaxed);
  }
  return total;
}

std::uint64_t request_records::dropped() const noexcept {
  std::uint64_t total = 0;
  for (const auto& s : shards_) {
    total += s->dropped.load(relaxed);
  }
  return total;
}

std::string request_records::to_json() const { return records_to_json(snapshot()); }

records_json_writer::records_json_writer(const records_by_name& records) : records_(records), name_(records.begin()) {}

bool records_json_writer::next(std::string& out, std::size_t max_bytes) {
  if (done_) {
    return false;
  }
  const std::size_t limit = out.size() + max_bytes;
  if (!started_) {
    out += '{';
    started_ = true;
  }
  while (name_ != records_.end() && out.size() < limit) {
    const auto& [name, list] = *name_;
    if (!in_list_) {
      if (name_ != records_.begin()) {
        out += ", ";
      }
      record::append_json_string(out, name);
      out += ": [";
      in_list_ = true;
    }
    for (; index_ < list.size() && out.size() < limit; ++index_) {
      if (index_ != 0) {
        out += ", ";
      }
      out += "{\"start\": ";
      record::append_json_number(out, list[index_].start);
      out += ", \"end\": ";
      record::append_json_number(out, list[index_].end);
      out += ", \"dt\": ";
      record::append_json_number(out, list[index_].end - list[index_].start);
      out += '}';
    }
    if (index_ == list.size()) {
      out += ']';
      ++name_;
      index_ = 0;
      in_list_ = false;
    }
  }
  if (name_ == records_.end()) {
    out += '}';
    done_ = true;
  }
  return true;
}

std::string records_to_json(const records_by_name& records) {
  std::string out;
  records_json_writer writer(records);
  while (writer.next(out, 64 * 1024)) {
  }
  return out;
}

} // namespace overlap::server
