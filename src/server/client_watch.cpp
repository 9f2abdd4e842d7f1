// Noticing that a client left while its request waits: a request of a client that is
// gone must give back its socket and its capacity slot now, not after its delay.
#include "server/exchange.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace overlap::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t watch_read_bytes = 4096;
} // namespace

namespace {

/// Over TLS the bytes that arrive must go through the TLS layer: a read it is, until
/// the wait it guards is over and cancels it (or the client closes).
asio::awaitable<void> until_tls_client_leaves(maybe_tls_stream::tls_stream& tls, boost::beast::flat_buffer& buffer) {
  for (;;) {
    const std::size_t room = buffer.max_size() - buffer.size();
    if (room == 0) {
      asio::steady_timer forever(co_await asio::this_coro::executor, steady::time_point::max());
      co_await forever.async_wait(use_tuple);
      co_return;
    }
    auto [ec, n] = co_await tls.async_read_some(buffer.prepare(std::min(room, watch_read_bytes)), use_tuple);
    if (ec) {
      co_return; // cancelled (the wait is over), end of stream or reset
    }
    buffer.commit(n);
  }
}

} // namespace

asio::awaitable<void> until_client_leaves(maybe_tls_stream& stream, boost::beast::flat_buffer& buffer) {
  if (stream.tls() != nullptr) {
    co_await until_tls_client_leaves(*stream.tls(), buffer);
    co_return;
  }
  auto& socket = stream.socket();
  for (;;) {
    // A wait, not a read: it re-arms the descriptor (one epoll_ctl), so a close that
    // arrived before it began is seen at once.
    auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
    if (ec == asio::error::operation_aborted) {
      co_return; // the wait it guards is over
    }
    if (ec) {
      co_return; // the socket failed: the client is gone
    }
    const std::size_t room = buffer.max_size() - buffer.size();
    if (room == 0) { // a client that pipelines a whole buffer: cannot tell, so wait on
      asio::steady_timer forever(co_await asio::this_coro::executor, steady::time_point::max());
      co_await forever.async_wait(use_tuple);
      co_return;
    }
    boost::system::error_code read_ec;
    const auto n = socket.read_some(buffer.prepare(std::min(room, watch_read_bytes)), read_ec); // non-blocking
    if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) {
      continue;
    }
    if (read_ec) {
      co_return; // end of stream or reset
    }
    buffer.commit(n);
  }
}

} // namespace overlap::server
