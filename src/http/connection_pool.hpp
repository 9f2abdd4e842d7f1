#pragma once
// Idle keep-alive connections, most recently used first. No waiting and no cap: the
// strategies that use it cap their requests in flight themselves, which caps the
// connections too (one request per connection at a time).
#include "http/client_connection.hpp"

#include <memory>
#include <vector>

namespace overlap::http {

class connection_pool {
public:
  /// New connections speak TLS to `tls` when it has a client (https://).
  connection_pool(boost::asio::any_io_executor executor, std::size_t body_limit_bytes, bool keep_alive,
                  tls_peer tls = {})
      : executor_(std::move(executor)), body_limit_bytes_(body_limit_bytes), keep_alive_(keep_alive),
        tls_(std::move(tls)) {}

  /// The most recently idle connection, or a new (unconnected) one.
  std::shared_ptr<client_connection> take() {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++opened_;
    return std::make_shared<client_connection>(executor_, body_limit_bytes_, tls_);
  }

  /// Keeps `c` for the next request if the exchange allowed it, else closes it.
  /// Returns whether it was kept.
  bool give_back(std::shared_ptr<client_connection> c, bool reusable) {
    if (reusable && keep_alive_ && c->is_open()) {
      c->stop_deadline();
      idle_.push_back(std::move(c));
      return true;
    }
    c->close();
    return false;
  }

  /// Closes the least recently used idle connection; false if none is idle.
  bool close_oldest_idle() noexcept {
    if (idle_.empty()) {
      return false;
    }
    idle_.front()->close();
    idle_.erase(idle_.begin());
    return true;
  }
  bool has_idle() const noexcept { return !idle_.empty(); }

  /// Closes every idle connection (their watchdogs end, so the loop can run dry).
  void close_all() noexcept {
    for (auto& c : idle_) {
      c->close();
    }
    idle_.clear();
  }

  bool keep_alive() const noexcept { return keep_alive_; }
  std::size_t body_limit_bytes() const noexcept { return body_limit_bytes_; }
  std::size_t opened() const noexcept { return opened_; }

private:
  boost::asio::any_io_executor executor_;
  std::size_t body_limit_bytes_;
  bool keep_alive_;
  tls_peer tls_;
  std::vector<std::shared_ptr<client_connection>> idle_;
  std::size_t opened_ = 0;
};

} // namespace overlap::http
