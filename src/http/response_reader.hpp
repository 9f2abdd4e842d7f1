#pragma once
// An HTTP response parser that keeps only the status and the body, in a buffer the
// connection reuses. Beast's response_parser<string_body> would allocate every header
// field; a client that reads status + body needs none of them.
#include <boost/beast/http/basic_parser.hpp>

#include <string>

namespace overlap::http {

class response_reader : public boost::beast::http::basic_parser<false> {
public:
  /// Clears `body` and appends the response body to it as it arrives.
  explicit response_reader(std::string& body);

  int status() const noexcept { return status_; }

private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code& ec) override;
  void on_response_impl(int code, string_view, int, error_code&) override;
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override;
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  std::string& body_;
  int status_ = 0;
};

} // namespace overlap::http
