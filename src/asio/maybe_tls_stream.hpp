#pragma once
// A connection's byte stream: a plain TCP socket, or TLS over it. The crawl strategies,
// the HTTP session and the delay server read and write through it without knowing
// which; the cost on the plain path is one predictable branch per operation (no virtual
// call, no allocation: the operation is the socket's own).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <optional>
#include <utility>

namespace overlap {

/// Meets Asio's AsyncReadStream and AsyncWriteStream (so Beast's reads and asio::async_write
/// take it). The socket is the lowest layer: open, connect and close it directly.
class maybe_tls_stream {
public:
  using executor_type = boost::asio::any_io_executor;
  using tls_stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

  explicit maybe_tls_stream(const executor_type& executor) : socket_(executor) {}
  explicit maybe_tls_stream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
  maybe_tls_stream(const maybe_tls_stream&) = delete;
  maybe_tls_stream& operator=(const maybe_tls_stream&) = delete;

  /// Speaks TLS from now on, with a new SSL object from `context` (before the handshake).
  tls_stream& use_tls(boost::asio::ssl::context& context) { return tls_.emplace(socket_, context); }

  boost::asio::ip::tcp::socket& socket() noexcept { return socket_; }
  const boost::asio::ip::tcp::socket& socket() const noexcept { return socket_; }
  /// The TLS layer, null on a plain connection.
  tls_stream* tls() noexcept { return tls_ ? &*tls_ : nullptr; }
  executor_type get_executor() noexcept { return socket_.get_executor(); }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    if (tls_) {
      return tls_->async_read_some(buffers, std::forward<Token>(token));
    }
    return socket_.async_read_some(buffers, std::forward<Token>(token));
  }

  template <typename ConstBuffers, typename Token> auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    if (tls_) {
      return tls_->async_write_some(buffers, std::forward<Token>(token));
    }
    return socket_.async_write_some(buffers, std::forward<Token>(token));
  }

private:
  boost::asio::ip::tcp::socket socket_;
  std::optional<tls_stream> tls_;
};

} // namespace overlap
