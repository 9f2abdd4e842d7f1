#pragma once
// What a route handler works with: the connection (to watch it and answer on it) and
// the request it read. Shared by connection.cpp (the read loop) and route_handlers.cpp.
#include "asio/maybe_tls_stream.hpp"
#include "server/http_response.hpp"
#include "server/query.hpp"
#include "server/request_reader.hpp"
#include "server/routes.hpp"
#include "server/server_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <list>
#include <string>

namespace overlap::server {

using steady = std::chrono::steady_clock;

/// What the shard and the watchdog need to see of a connection.
struct connection_state {
  explicit connection_state(boost::asio::ip::tcp::socket s) : stream(std::move(s)), watchdog(stream.get_executor()) {}

  maybe_tls_stream stream; // TLS when the server has a certificate
  boost::asio::steady_timer watchdog;
  // Moved forward as the connection goes; the watchdog closes it once this passes.
  steady::time_point deadline = steady::time_point::max();
  bool idle = true; // waiting for the first byte of a request: safe to close on stop
  std::list<connection_state*>::iterator position;
};

/// Buffers a connection reuses for every request.
struct exchange {
  request_buffers request;
  parsed_target target;
  std::string body;     // response body when built at run time
  std::string response; // the whole response text
};

/// One request being carried out.
struct request_context {
  shard& sh;
  connection_state& st;
  boost::beast::flat_buffer& buffer; // the connection's read buffer: pipelined bytes go here
  exchange& ex;
  bool keep_alive; // the client's wish
  int version;     // 10 or 11
};

/// How a request ended, for the read loop.
enum class request_end : std::uint8_t {
  keep_going, // answered; read the next request
  close,      // answered with Connection: close
  unwritten,  // the answer could not be written
  dropped,    // not answered: cancelled, or the client left
};

/// Carries out a routed request and answers it.
boost::asio::awaitable<request_end> carry_out(request_context& rc, const route_decision& decision);

/// Writes `body` as the answer (keep-alive decided here) and counts it. (Scalars, not a
/// response_head: g++ 12 mishandles an aggregate temporary passed to a coroutine.)
boost::asio::awaitable<request_end> send_answer(request_context& rc, route label, int status,
                                                std::string_view content_type, std::string_view body,
                                                std::string_view extra_headers = {});

/// Completes when the client has gone (end of stream or reset), reading what it sends
/// meanwhile (a pipelined request) into the connection's buffer. Never completes while
/// that buffer is full. Cancel it once the wait it guards is over.
boost::asio::awaitable<void> until_client_leaves(maybe_tls_stream& stream, boost::beast::flat_buffer& buffer);

} // namespace overlap::server
