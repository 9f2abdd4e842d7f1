#pragma once
// One connection_pool per endpoint of a crawl, with a cap on the connections open in
// all of them together: a URL list may name many hosts, and idle connections to one
// must not pile up while another host needs new ones.
#include "http/connection_pool.hpp"

#include <cstddef>
#include <vector>

namespace overlap::http {

class connection_pools {
public:
  /// One pool per endpoint, whose connections go to `peers[i]` (TLS when it has a
  /// client); at most `max_open` connections open at once, busy or idle (the
  /// strategies cap requests in flight at max_open too, so a new connection is always
  /// possible once an idle one elsewhere is closed).
  connection_pools(const boost::asio::any_io_executor& executor, std::size_t body_limit_bytes, bool keep_alive,
                   const std::vector<tls_peer>& peers, std::size_t max_open)
      : max_open_(max_open) {
    pools_.reserve(peers.size());
    for (const auto& peer : peers) {
      pools_.emplace_back(executor, body_limit_bytes, keep_alive, peer);
    }
  }

  /// An idle connection to `endpoint`, or a new one (closing another endpoint's idle
  /// connection first when max_open are open).
  std::shared_ptr<client_connection> take(std::size_t endpoint) {
    auto& pool = pools_[endpoint];
    if (!pool.has_idle()) {
      if (open_ >= max_open_) {
        evict_one_idle();
      }
      ++open_;
    }
    return pool.take();
  }

  void give_back(std::size_t endpoint, std::shared_ptr<client_connection> c, bool reusable) {
    if (!pools_[endpoint].give_back(std::move(c), reusable)) {
      --open_;
    }
  }

  void close_all() noexcept {
    for (auto& pool : pools_) {
      pool.close_all();
    }
    open_ = 0;
  }

  bool keep_alive() const noexcept { return pools_.front().keep_alive(); }
  std::size_t body_limit_bytes() const noexcept { return pools_.front().body_limit_bytes(); }
  std::size_t opened() const noexcept {
    std::size_t total = 0;
    for (const auto& pool : pools_) {
      total += pool.opened();
    }
    return total;
  }

private:
  void evict_one_idle() noexcept {
    for (std::size_t tried = 0; tried < pools_.size(); ++tried) {
      next_victim_ = (next_victim_ + 1) % pools_.size();
      if (pools_[next_victim_].close_oldest_idle()) {
        --open_;
        return;
      }
    }
  }

  std::vector<connection_pool> pools_;
  std::size_t max_open_;
  std::size_t open_ = 0;
  std::size_t next_victim_ = 0;
};

} // namespace overlap::http
