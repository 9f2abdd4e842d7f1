// The accept loop of one shard.
#include "server/server_state.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <cstdio>
#include <exception>

namespace overlap::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds out_of_descriptors_pause{50};

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory;
}

} // namespace

asio::awaitable<void> accept_connections(shard& sh) {
  bool told_out_of_descriptors = false;
  asio::steady_timer pause(sh.ioc);
  for (;;) {
    auto [ec, socket] = co_await sh.acceptor.async_accept(use_tuple);
    if (!sh.acceptor.is_open() || ec == asio::error::operation_aborted) {
      co_return;
    }
    if (ec) {
      sh.ctx.stats.accept_failed(sh.index);
      if (out_of_descriptors(ec)) {
        // Retrying at once would spin: the pending connection stays in the backlog
        // until a descriptor is free. Say so once per episode, then wait a little.
        if (!told_out_of_descriptors) {
          std::fprintf(stderr, "overlap serve: cannot accept: %s; retrying as descriptors free up\n",
                       ec.message().c_str());
          told_out_of_descriptors = true;
        }
        pause.expires_after(out_of_descriptors_pause);
        co_await pause.async_wait(use_tuple);
      }
      continue;
    }
    if (told_out_of_descriptors) {
      std::fprintf(stderr, "overlap serve: accepting again\n");
      told_out_of_descriptors = false;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(sh.ioc, serve_connection(std::move(socket), sh), [&sh](const std::exception_ptr& failure) {
      if (!failure) {
        return;
      }
      // A connection's unexpected failure must not take the server down, and must
      // not pass unseen: it is counted and told.
      sh.ctx.stats.connection_failed(sh.index);
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "overlap serve: connection failed: %s\n", e.what());
      }
    });
  }
}

} // namespace overlap::server
