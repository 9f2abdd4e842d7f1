#pragma once
// The serial strategy's stream: a blocking client connection, TCP or TLS over it, with
// a deadline on every wait (poll() bounds each one, as requests' socket timeouts do).
#include "http/tls_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace overlap::crawl {

/// In the shape Beast's synchronous read wants (SyncReadStream). Not copyable; closes
/// on destruction.
class blocking_stream {
public:
  using steady_clock = std::chrono::steady_clock;

  blocking_stream() = default;
  blocking_stream(const blocking_stream&) = delete;
  blocking_stream& operator=(const blocking_stream&) = delete;
  ~blocking_stream() { close(); }

  bool is_open() const noexcept { return fd_ >= 0; }
  bool timed_out() const noexcept { return timed_out_; }
  void set_deadline(steady_clock::time_point deadline) noexcept {
    deadline_ = deadline;
    timed_out_ = false;
  }
  void close() noexcept;

  /// A new TCP connection (TCP_NODELAY) to `endpoint`.
  boost::system::error_code connect(const boost::asio::ip::tcp::endpoint& endpoint);
  /// Speaks TLS on the connection from now on: the handshake, prepared and counted by
  /// `tls` (SNI, certificate check, session resumption for `host`:`port`).
  boost::system::error_code handshake(http::tls_client& tls, const std::string& host, std::uint16_t port);

  boost::system::error_code write_all(std::string_view bytes);

  // SyncReadStream, as beast::http::read uses it.
  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    const boost::asio::mutable_buffer first = *boost::asio::buffer_sequence_begin(buffers);
    return read_into(first.data(), first.size(), ec);
  }
  template <typename MutableBuffers> std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec) {
      throw boost::system::system_error(ec);
    }
    return n;
  }

private:
  std::size_t read_into(void* data, std::size_t size, boost::system::error_code& ec);
  /// Blocks until the socket is ready for `events` or the deadline passes.
  boost::system::error_code wait_for(short events);
  /// What an SSL call's result `rc` means: an error, or none and the events to wait
  /// for before calling again (0: call again at once).
  boost::system::error_code tls_result(int rc, short& wait_events);

  int fd_ = -1;
  SSL* ssl_ = nullptr; // TLS once handshake() began
  steady_clock::time_point deadline_ = steady_clock::time_point::max();
  bool timed_out_ = false;
};

} // namespace overlap::crawl
