#pragma once
// Reads one final HTTP response, keeping only what a client needs (status, body,
// keep-alive, Retry-After) in buffers the connection reuses. Beast's
// response_parser<string_body> would allocate every header field; this keeps none.
// Interim 1xx answers (100 Continue, 103 Early Hints) are read and skipped, so that a
// connection's answers never get out of step with its requests.
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace overlap::http {

/// The most header bytes of one response the clients accept.
inline constexpr std::size_t header_limit_bytes = 16 * 1024;
/// The largest body the clients accept (every crawl strategy, curl's included).
inline constexpr std::size_t body_limit_bytes = 8 * 1024 * 1024;

class response_reader {
public:
  /// Clears `body` and appends the final response's body to it as it arrives; refuses
  /// more than `body_limit_bytes` of body and header_limit_bytes of header. The answer
  /// to a `head_request` has no body, whatever its Content-Length says.
  response_reader(std::string& body, std::size_t body_limit_bytes, bool head_request = false);
  response_reader(const response_reader&) = delete; // its parser points back at it
  response_reader& operator=(const response_reader&) = delete;

  /// The parser of the message being read: give it to Beast's read or async_read.
  boost::beast::http::basic_parser<false>& parser() noexcept { return *parser_; }
  /// True when the message just read is an interim answer (1xx other than 101):
  /// call next_message() and read again.
  bool interim() const noexcept { return status_ >= 100 && status_ < 200 && status_ != 101; }
  /// Prepares a fresh parser for the next message on the connection.
  void next_message();

  int status() const noexcept { return status_; }
  bool keep_alive() const noexcept { return parser_->keep_alive(); }
  /// The wait the answer's Retry-After header asks for, if it has a valid one.
  std::optional<std::chrono::milliseconds> retry_after() const;

private:
  /// Beast's parser, calling back into the reader for the parts it keeps.
  class parser_type : public boost::beast::http::basic_parser<false> {
  public:
    explicit parser_type(response_reader& owner) : owner_(owner) {}

  private:
    using error_code = boost::beast::error_code;
    using string_view = boost::beast::string_view;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code& ec) override;
    void on_response_impl(int code, string_view, int, error_code&) override { owner_.status_ = code; }
    void on_field_impl(boost::beast::http::field name, string_view, string_view value, error_code&) override;
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override;
    std::size_t on_body_impl(string_view body, error_code&) override;
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
    void on_finish_impl(error_code&) override {}

    response_reader& owner_;
  };

  void start_parser();

  std::string& body_;
  std::size_t body_limit_bytes_;
  bool head_request_;
  std::optional<parser_type> parser_;
  int status_ = 0;
  std::string retry_after_; // the header's value, empty if none
};

/// Reads the final response to one request into `reader`, skipping interim ones.
template <typename SyncReadStream>
void read_response(SyncReadStream& stream, boost::beast::flat_buffer& buffer, response_reader& reader,
                   boost::system::error_code& ec) {
  for (;;) {
    boost::beast::http::read(stream, buffer, reader.parser(), ec);
    if (ec || !reader.interim()) {
      return;
    }
    reader.next_message();
  }
}

/// The state of one async_read_response.
template <typename AsyncReadStream> struct read_response_op {
  AsyncReadStream& stream;
  boost::beast::flat_buffer& buffer;
  response_reader& reader;
  bool started = false;

  template <typename Self> void operator()(Self& self, boost::system::error_code ec = {}, std::size_t = 0) {
    if (started) {
      if (ec || !reader.interim()) {
        self.complete(ec);
        return;
      }
      reader.next_message();
    }
    started = true;
    boost::beast::http::async_read(stream, buffer, reader.parser(), std::move(self));
  }
};

/// The asynchronous read_response, for any completion token; completes with
/// void(error_code). `stream`, `buffer` and `reader` must outlive the operation.
template <typename AsyncReadStream, typename CompletionToken>
auto async_read_response(AsyncReadStream& stream, boost::beast::flat_buffer& buffer, response_reader& reader,
                         CompletionToken&& token) {
  return boost::asio::async_compose<CompletionToken, void(boost::system::error_code)>(
      read_response_op<AsyncReadStream>{stream, buffer, reader}, token, stream);
}

} // namespace overlap::http
