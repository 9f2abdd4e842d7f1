#pragma once
// State shared by the delay server's pieces: one `shard` per event-loop thread.
#include "overlap/async_semaphore.hpp"
#include "overlap/delay_server.hpp"
#include "server/request_records.hpp"
#include "server/result_store.hpp"
#include "server/server_stats.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <list>

namespace overlap::server {

struct server_context {
  explicit server_context(delay_server_options opts)
      : options(std::move(opts)), records(options.threads, options.max_records_bytes), stats(options.threads) {}

  delay_server_options options;
  request_records records;
  server_stats stats;
  std::unique_ptr<async_semaphore> capacity;      // null when unlimited
  std::unique_ptr<result_store> store;            // null without --store: POST /add only echoes
  std::unique_ptr<boost::asio::ssl::context> tls; // null without --tls-cert: plain HTTP
  std::atomic<bool> told_records_full{false};     // said once on stderr until a reset
  // Blocking work off the event loops (the metrics file), one job at a time: a flush
  // never stalls other connections, and at most one copy of the records exists.
  boost::asio::thread_pool blocking{1};

  server_gauges gauges() const;
};

struct connection_state;

/// One event loop with its own acceptor (SO_REUSEPORT spreads connections across
/// shards) and its own registry of connections. Touched only by its own thread,
/// except through posted functions.
struct shard {
  shard(server_context& context, unsigned shard_index)
      : ctx(context), index(shard_index), ioc(1), acceptor(ioc), drain_timer(ioc) {}

  server_context& ctx;
  unsigned index;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor;
  std::list<connection_state*> connections;
  boost::asio::steady_timer drain_timer; // bounds a graceful stop
  bool stopping = false;
};

/// Serves one client connection until it closes, times out or the shard stops.
boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket, shard& sh);

/// Accepts connections until the acceptor is closed.
boost::asio::awaitable<void> accept_connections(shard& sh);

/// Begins a graceful stop of the shard (call on its thread).
void begin_shard_stop(shard& sh);

/// Drops every connection of the shard now, answered or not (call on its thread).
void drop_shard_connections(shard& sh);

} // namespace overlap::server
