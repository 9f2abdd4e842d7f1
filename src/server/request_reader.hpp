#pragma once
// An HTTP request parser that keeps only what the delay server uses (method, target,
// body, a few headers) in buffers owned by the connection. Beast's request_parser
// stores every header field in its own allocation; this one allocates nothing per
// request once the connection's buffers have grown.
#include <boost/beast/http/basic_parser.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace overlap::server {

inline constexpr std::size_t header_limit_bytes = 8 * 1024;
inline constexpr std::uint64_t body_limit_bytes = 1024 * 1024;
/// A connection's read buffer: a whole request, and some of a pipelined next one.
inline constexpr std::size_t buffer_limit_bytes = header_limit_bytes + body_limit_bytes + 64 * 1024;

/// Buffers a connection reuses for every request it reads.
struct request_buffers {
  std::string method;
  std::string target;
  std::string body;
  std::string idempotency_key;
};

/// Reads one request into `buffers` (cleared first), refusing a header block over
/// header_limit_bytes and a body over body_limit_bytes, and refusing what could smuggle
/// a request past a proxy (RFC 9112 6.1, 6.3, 3.2): a Transfer-Encoding whose last
/// coding is not chunked, Transfer-Encoding in HTTP/1.0, a folded header line, and an
/// HTTP/1.1 request without exactly one Host.
class request_reader : public boost::beast::http::basic_parser<true> {
public:
  explicit request_reader(request_buffers& buffers);

  /// Parses what `data` holds, as basic_parser::put does; a folded line can be told
  /// only through this call (Beast unfolds it into a copy outside `data`).
  std::size_t feed(boost::asio::const_buffer data, boost::beast::error_code& ec);

  bool expects_continue() const noexcept { return expect_continue_; }
  int http_version() const noexcept { return version_; }
  /// Whether the request had a Transfer-Encoding field (then it was read as chunked).
  bool transfer_encoded() const noexcept { return transfer_encoding_; }
  /// Why the request was refused, when a rule above refused it; empty otherwise.
  std::string_view refusal() const noexcept { return refusal_; }

private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                       error_code&) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value, error_code&) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override;
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  void refuse(const char* why, error_code& ec);

  request_buffers& buffers_;
  const char* input_begin_ = nullptr; // what `feed` is parsing
  const char* input_end_ = nullptr;
  const char* refusal_ = "";
  bool expect_continue_ = false;
  bool transfer_encoding_ = false;
  bool last_coding_chunked_ = false;
  int host_fields_ = 0;
  int version_ = 11;
};

/// The status to answer a request that could not be read with (431, 413, 400), or 0
/// when the connection must close without an answer (the client went away, reset,
/// timeout, cancellation).
int status_for_read_error(const boost::beast::error_code& ec) noexcept;

} // namespace overlap::server
