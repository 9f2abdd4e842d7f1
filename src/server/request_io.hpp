#pragma once
// Reading a request and writing an answer on the delay server's hot path.
#include "asio/maybe_tls_stream.hpp"
#include "server/request_reader.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <string_view>

namespace overlap::server {

/// Reads one whole request (header and body) into `reader`, parsing what `buffer`
/// already holds before reading more, and answering "Expect: 100-continue" when the
/// body is still to come. Beast's http::async_read does the same through a composed
/// operation that completes through the scheduler even when every byte is already
/// buffered; parsing in place saves that round trip on every request.
/// Returns end_of_stream if the peer closed before a byte, partial_message if it
/// closed mid-request, a parse error, or the socket's error.
boost::asio::awaitable<boost::system::error_code>
read_request(maybe_tls_stream& stream, boost::beast::flat_buffer& buffer, request_reader& reader);

/// Writes all of `data`. On a plain connection it first tries at once on the
/// non-blocking socket (a small answer nearly always fits the send buffer) and waits
/// for writability only for what did not fit, which saves a trip through the scheduler
/// per answer. Over TLS the write is encrypted first, as one asynchronous write.
boost::asio::awaitable<boost::system::error_code> write_fully(maybe_tls_stream& stream, std::string_view data);

} // namespace overlap::server
