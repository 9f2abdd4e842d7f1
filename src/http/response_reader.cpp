#include "http/response_reader.hpp"

#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace overlap::http {

namespace beast_http = boost::beast::http;

namespace {
// Reserving what Content-Length announces saves regrowth, but never trust it far.
constexpr std::uint64_t max_reserve_bytes = 1024 * 1024;
} // namespace

response_reader::response_reader(std::string& body) : body_(body) { body_.clear(); }

void response_reader::on_request_impl(beast_http::verb, string_view, string_view, int, error_code& ec) {
  ec = beast_http::error::bad_method; // never called for a response parser
}

void response_reader::on_response_impl(int code, string_view, int, error_code&) { status_ = code; }

void response_reader::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  if (content_length) {
    body_.reserve(static_cast<std::size_t>(std::min(*content_length, max_reserve_bytes)));
  }
}

std::size_t response_reader::on_body_impl(string_view body, error_code&) {
  body_.append(body.data(), body.size());
  return body.size();
}

std::size_t response_reader::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  body_.append(body.data(), body.size());
  return body.size();
}

} // namespace overlap::http
