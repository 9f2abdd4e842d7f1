#include "server/server_stats.hpp"

#include "record/json_text.hpp"

#include <algorithm>
#include <string_view>

namespace overlap::server {

namespace {

std::size_t status_slot(int status) noexcept {
  for (std::size_t i = 0; i < counted_statuses.size(); ++i) {
    if (counted_statuses[i] == status) {
      return i;
    }
  }
  return status_slots - 1;
}

constexpr auto relaxed = std::memory_order_relaxed;
constexpr std::size_t route_count = static_cast<std::size_t>(route::count);
constexpr std::array<const char*, 3> tls_outcomes{"full", "resumed", "failed"};

} // namespace

// Written by one thread only; atomics (relaxed) make concurrent scrapes well-defined.
struct alignas(64) server_stats::shard {
  std::array<std::array<std::atomic<std::uint64_t>, status_slots>, route_count> requests{};
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::uint64_t> connection_failures{0};
  std::atomic<std::uint64_t> accept_failures{0};
  std::atomic<std::uint64_t> abandoned{0};
  std::array<std::atomic<std::uint64_t>, 3> tls_handshakes{}; // by tls_outcomes
  std::array<std::atomic<std::uint64_t>, overshoot_bounds_seconds.size() + 1> overshoot_buckets{};
  std::atomic<std::int64_t> overshoot_sum_ns{0};
};

server_stats::server_stats(unsigned shard_count) {
  for (unsigned i = 0; i < std::max(1U, shard_count); ++i) {
    shards_.push_back(std::make_unique<shard>());
  }
}

server_stats::~server_stats() = default;

void server_stats::count_request(unsigned s, route r, int status) noexcept {
  shards_[s]->requests[static_cast<std::size_t>(r)][status_slot(status)].fetch_add(1, relaxed);
}
void server_stats::connection_opened(unsigned s) noexcept { shards_[s]->connections.fetch_add(1, relaxed); }
void server_stats::connection_closed(unsigned s) noexcept { shards_[s]->connections.fetch_sub(1, relaxed); }
void server_stats::request_started(unsigned s) noexcept { shards_[s]->in_flight.fetch_add(1, relaxed); }
void server_stats::request_finished(unsigned s) noexcept { shards_[s]->in_flight.fetch_sub(1, relaxed); }
void server_stats::connection_failed(unsigned s) noexcept { shards_[s]->connection_failures.fetch_add(1, relaxed); }
void server_stats::accept_failed(unsigned s) noexcept { shards_[s]->accept_failures.fetch_add(1, relaxed); }
void server_stats::request_abandoned(unsigned s) noexcept { shards_[s]->abandoned.fetch_add(1, relaxed); }

void server_stats::tls_handshake(unsigned s, bool ok, bool resumed) noexcept {
  shards_[s]->tls_handshakes[!ok ? 2 : resumed ? 1 : 0].fetch_add(1, relaxed);
}

std::uint64_t server_stats::tls_handshakes(const char* outcome) const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < tls_outcomes.size(); ++i) {
    if (std::string_view(tls_outcomes[i]) == outcome) {
      for (const auto& sh : shards_) {
        total += sh->tls_handshakes[i].load(relaxed);
      }
    }
  }
  return total;
}

std::uint64_t server_stats::abandoned() const noexcept {
  std::uint64_t total = 0;
  for (const auto& sh : shards_) {
    total += sh->abandoned.load(relaxed);
  }
  return total;
}

void server_stats::record_overshoot(unsigned s, std::chrono::nanoseconds overshoot) noexcept {
  auto& sh = *shards_[s];
  const double seconds = std::chrono::duration<double>(overshoot).count();
  auto bound = std::lower_bound(overshoot_bounds_seconds.begin(), overshoot_bounds_seconds.end(), seconds);
  sh.overshoot_buckets[static_cast<std::size_t>(bound - overshoot_bounds_seconds.begin())].fetch_add(1, relaxed);
  sh.overshoot_sum_ns.fetch_add(overshoot.count(), relaxed);
}

std::uint64_t server_stats::requests(route r, int status) const noexcept {
  std::uint64_t total = 0;
  for (const auto& sh : shards_) {
    total += sh->requests[static_cast<std::size_t>(r)][status_slot(status)].load(relaxed);
  }
  return total;
}

std::int64_t server_stats::open_connections() const noexcept {
  std::int64_t total = 0;
  for (const auto& sh : shards_) {
    total += sh->connections.load(relaxed);
  }
  return total;
}

std::int64_t server_stats::in_flight() const noexcept {
  std::int64_t total = 0;
  for (const auto& sh : shards_) {
    total += sh->in_flight.load(relaxed);
  }
  return total;
}

const char* route_label(route r) noexcept {
  switch (r) {
  case route::add_get: return "add";
  case route::add_post: return "add_post";
  case route::flush: return "flush";
  case route::metrics: return "metrics";
  case route::results: return "results";
  default: return "other";
  }
}

namespace {

void append_sample(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  record::append_json_number(out, value);
  out += '\n';
}

void append_help(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_gauges(std::string& out, const server_gauges& g) {
  append_help(out, "overlap_capacity_waiting", "gauge", "Requests waiting for the capacity gate (--capacity).");
  append_sample(out, "overlap_capacity_waiting", "", static_cast<double>(g.waiting_for_capacity));
  append_help(out, "overlap_capacity_limit", "gauge", "Requests served at once at most; 0 is unlimited.");
  append_sample(out, "overlap_capacity_limit", "", static_cast<double>(g.capacity));
  append_help(out, "overlap_records", "gauge", "Requests recorded for the metrics file.");
  append_sample(out, "overlap_records", "", static_cast<double>(g.records));
  append_help(out, "overlap_record_names", "gauge", "Distinct names recorded.");
  append_sample(out, "overlap_record_names", "", static_cast<double>(g.record_names));
  append_help(out, "overlap_records_bytes", "gauge", "Memory the records count against their limit.");
  append_sample(out, "overlap_records_bytes", "", static_cast<double>(g.record_bytes));
  append_help(out, "overlap_records_limit_bytes", "gauge", "The records' memory limit (--max-records-mb).");
  append_sample(out, "overlap_records_limit_bytes", "", static_cast<double>(g.record_limit_bytes));
  append_help(out, "overlap_records_dropped_total", "counter",
              "Answered requests not recorded: the limit was reached.");
  append_sample(out, "overlap_records_dropped_total", "", static_cast<double>(g.records_dropped));
}

} // namespace

std::string server_stats::render_prometheus(const server_gauges& gauges) const {
  std::string out;
  append_help(out, "overlap_requests_total", "counter", "Requests answered, by route and status.");
  for (std::size_t r = 0; r < route_count; ++r) {
    for (std::size_t slot = 0; slot < status_slots; ++slot) {
      std::uint64_t total = 0;
      for (const auto& sh : shards_) {
        total += sh->requests[r][slot].load(relaxed);
      }
      if (total == 0) {
        continue;
      }
      const std::string status = slot < counted_statuses.size() ? std::to_string(counted_statuses[slot]) : "other";
      append_sample(out, "overlap_requests_total",
                    std::string("route=\"") + route_label(static_cast<route>(r)) + "\",status=\"" + status + "\"",
                    static_cast<double>(total));
    }
  }
  append_help(out, "overlap_requests_in_flight", "gauge", "Requests read and not yet answered.");
  append_sample(out, "overlap_requests_in_flight", "", static_cast<double>(in_flight()));
  append_help(out, "overlap_connections_open", "gauge", "Open client connections.");
  append_sample(out, "overlap_connections_open", "", static_cast<double>(open_connections()));
  append_gauges(out, gauges);

  std::uint64_t conn_failures = 0;
  std::uint64_t accept_failures = 0;
  std::int64_t sum_ns = 0;
  std::array<std::uint64_t, overshoot_bounds_seconds.size() + 1> buckets{};
  for (const auto& sh : shards_) {
    conn_failures += sh->connection_failures.load(relaxed);
    accept_failures += sh->accept_failures.load(relaxed);
    sum_ns += sh->overshoot_sum_ns.load(relaxed);
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      buckets[i] += sh->overshoot_buckets[i].load(relaxed);
    }
  }
  append_help(out, "overlap_connection_failures_total", "counter", "Connections ended by an unexpected error.");
  append_sample(out, "overlap_connection_failures_total", "", static_cast<double>(conn_failures));
  append_help(out, "overlap_accept_failures_total", "counter", "Failed accepts (for example out of descriptors).");
  append_sample(out, "overlap_accept_failures_total", "", static_cast<double>(accept_failures));
  append_help(out, "overlap_requests_abandoned_total", "counter",
              "Requests cancelled because their client went away while they waited.");
  append_sample(out, "overlap_requests_abandoned_total", "", static_cast<double>(abandoned()));

  append_help(out, "overlap_tls_handshakes_total", "counter",
              "TLS handshakes with clients (--tls-cert), by outcome: full, resumed (a session reused), failed.");
  for (const char* outcome : tls_outcomes) {
    append_sample(out, "overlap_tls_handshakes_total", std::string("outcome=\"") + outcome + "\"",
                  static_cast<double>(tls_handshakes(outcome)));
  }

  append_help(out, "overlap_timer_overshoot_seconds", "histogram", "Actual minus requested delay of /add waits.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < overshoot_bounds_seconds.size(); ++i) {
    cumulative += buckets[i];
    std::string le;
    record::append_json_number(le, overshoot_bounds_seconds[i]);
    append_sample(out, "overlap_timer_overshoot_seconds_bucket", "le=\"" + le + "\"", static_cast<double>(cumulative));
  }
  cumulative += buckets.back();
  append_sample(out, "overlap_timer_overshoot_seconds_bucket", "le=\"+Inf\"", static_cast<double>(cumulative));
  append_sample(out, "overlap_timer_overshoot_seconds_sum", "", static_cast<double>(sum_ns) / 1e9);
  append_sample(out, "overlap_timer_overshoot_seconds_count", "", static_cast<double>(cumulative));
  return out;
}

} // namespace overlap::server
