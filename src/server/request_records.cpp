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

} // namespace

struct alignas(64) request_records::shard {
  mutable std::mutex mutex;
  // Transparent lookup: finding a name costs no allocation on the request path.
  std::unordered_map<std::string, std::vector<request_record>, string_hash, std::equal_to<>> by_name;
};

request_records::request_records(unsigned shard_count) {
  shards_.reserve(std::max(1U, shard_count));
  for (unsigned i = 0; i < std::max(1U, shard_count); ++i) {
    shards_.push_back(std::make_unique<shard>());
  }
}

request_records::~request_records() = default;

void request_records::add(unsigned shard_index, std::string_view name, double start, double end) {
  auto& s = *shards_[shard_index % shards_.size()];
  std::lock_guard lock(s.mutex);
  auto it = s.by_name.find(name);
  if (it == s.by_name.end()) {
    it = s.by_name.emplace(std::string(name), std::vector<request_record>{}).first;
  }
  it->second.push_back({start, end});
}

std::map<std::string, std::vector<request_record>> request_records::snapshot() const {
  std::map<std::string, std::vector<request_record>> merged;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mutex);
    for (const auto& [name, records] : s->by_name) {
      auto& into = merged[name];
      into.insert(into.end(), records.begin(), records.end());
    }
  }
  for (auto& [name, records] : merged) {
    std::stable_sort(records.begin(), records.end(),
                     [](const request_record& a, const request_record& b) { return a.start < b.start; });
  }
  return merged;
}

std::size_t request_records::size() const {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mutex);
    for (const auto& [name, records] : s->by_name) {
      total += records.size();
    }
  }
  return total;
}

std::string request_records::to_json() const { return records_to_json(snapshot()); }

std::string records_to_json(const std::map<std::string, std::vector<request_record>>& records) {
  std::string out;
  out.reserve(64 + records.size() * 32);
  out += '{';
  bool first_name = true;
  for (const auto& [name, list] : records) {
    if (!first_name) {
      out += ", ";
    }
    first_name = false;
    record::append_json_string(out, name);
    out += ": [";
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i != 0) {
        out += ", ";
      }
      out += "{\"start\": ";
      record::append_json_number(out, list[i].start);
      out += ", \"end\": ";
      record::append_json_number(out, list[i].end);
      out += ", \"dt\": ";
      record::append_json_number(out, list[i].end - list[i].start);
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return out;
}

} // namespace overlap::server
