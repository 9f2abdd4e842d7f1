#include "http/response_reader.hpp"

#include "http/retry_after.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>

namespace overlap::http {

namespace beast_http = boost::beast::http;

namespace {
// Reserving what Content-Length announces saves regrowth, but never trust it far.
constexpr std::uint64_t max_reserve_bytes = 1024 * 1024;
// A Retry-After longer than this is not one any client should read (and is ignored).
constexpr std::size_t max_retry_after_bytes = 64;
} // namespace

response_reader::response_reader(std::string& body, std::size_t body_limit_bytes, bool head_request)
    : body_(body), body_limit_bytes_(body_limit_bytes), head_request_(head_request) {
  start_parser();
}

void response_reader::start_parser() {
  body_.clear();
  status_ = 0;
  retry_after_.clear();
  parser_.emplace(*this);
  parser_->header_limit(header_limit_bytes);
  parser_->body_limit(body_limit_bytes_);
  parser_->skip(head_request_); // an answer to HEAD has headers only, whatever they announce
}

void response_reader::next_message() { start_parser(); }

std::optional<std::chrono::milliseconds> response_reader::retry_after() const {
  if (retry_after_.empty()) {
    return std::nullopt;
  }
  return parse_retry_after(retry_after_, std::chrono::system_clock::now());
}

void response_reader::parser_type::on_request_impl(beast_http::verb, string_view, string_view, int, error_code& ec) {
  ec = beast_http::error::bad_method; // never called for a response parser
}

void response_reader::parser_type::on_field_impl(beast_http::field name, string_view, string_view value, error_code&) {
  if (name == beast_http::field::retry_after && value.size() <= max_retry_after_bytes) {
    owner_.retry_after_.assign(value.data(), value.size());
  }
}

void response_reader::parser_type::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                                     error_code&) {
  if (content_length) {
    owner_.body_.reserve(static_cast<std::size_t>(std::min(*content_length, max_reserve_bytes)));
  }
}

std::size_t response_reader::parser_type::on_body_impl(string_view body, error_code&) {
  owner_.body_.append(body.data(), body.size());
  return body.size();
}

std::size_t response_reader::parser_type::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  owner_.body_.append(body.data(), body.size());
  return body.size();
}

} // namespace overlap::http
