#include "server/request_io.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

namespace overlap::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_chunk_bytes = 4096;
constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";
} // namespace

asio::awaitable<error_code> read_request(maybe_tls_stream& stream, boost::beast::flat_buffer& buffer,
                                         request_reader& reader) {
  bool answered_continue = false;
  std::size_t header_bytes = 0; // of the header consumed so far
  for (;;) {
    if (buffer.size() > 0) {
      error_code ec;
      const bool in_header = !reader.is_header_done();
      const auto used = reader.feed(buffer.data(), ec);
      buffer.consume(used);
      if (!ec && reader.is_done()) {
        co_return ec;
      }
      if (ec && ec != http::error::need_more) {
        co_return ec;
      }
      // The parser applies its header limit to the bytes it has not consumed yet, but
      // it consumes whole fields as they arrive: count the header across reads.
      if (in_header && !reader.is_header_done()) {
        header_bytes += used;
        if (header_bytes + buffer.size() >= header_limit_bytes) {
          co_return http::error::header_limit;
        }
      }
      if (!ec && used > 0) {
        continue; // the header is done; parse the buffered body next
      }
    }
    if (reader.is_header_done() && reader.expects_continue() && !answered_continue) {
      answered_continue = true;
      if (auto ec = co_await write_fully(stream, continue_response)) {
        co_return ec;
      }
    }
    const std::size_t room = buffer.max_size() - buffer.size();
    if (room == 0) {
      co_return http::error::buffer_overflow;
    }
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(std::min(room, read_chunk_bytes)), use_tuple);
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      co_return reader.got_some() ? http::error::partial_message : http::error::end_of_stream;
    }
    if (ec) {
      co_return ec;
    }
    buffer.commit(n);
  }
}

asio::awaitable<error_code> write_fully(maybe_tls_stream& stream, std::string_view data) {
  if (stream.tls() != nullptr) {
    auto [tls_ec, written] = co_await asio::async_write(*stream.tls(), asio::buffer(data), use_tuple);
    co_return tls_ec;
  }
  auto& socket = stream.socket();
  error_code ec;
  const auto sent = socket.write_some(asio::buffer(data), ec);
  if (!ec && sent == data.size()) {
    co_return ec;
  }
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    co_return ec;
  }
  const auto rest = ec ? data : data.substr(sent);
  auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(rest), use_tuple);
  co_return write_ec;
}

} // namespace overlap::server
