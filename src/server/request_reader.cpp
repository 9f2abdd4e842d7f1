#include "server/request_reader.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace overlap::server {

namespace http = boost::beast::http;

namespace {

/// True when the last coding of a Transfer-Encoding list is "chunked" (any case):
/// "gzip, chunked" yes; "xchunked", "chunked, identity", "chunked;x=1" no.
bool ends_with_chunked(std::string_view value) noexcept {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  constexpr std::string_view chunked = "chunked";
  if (value.size() < chunked.size() || !boost::beast::iequals(value.substr(value.size() - chunked.size()), chunked)) {
    return false;
  }
  value.remove_suffix(chunked.size());
  return value.empty() || value.back() == ',' || value.back() == ' ' || value.back() == '\t';
}

} // namespace

request_reader::request_reader(request_buffers& buffers) : buffers_(buffers) {
  header_limit(header_limit_bytes);
  body_limit(body_limit_bytes);
  buffers_.method.clear();
  buffers_.target.clear();
  buffers_.body.clear();
  buffers_.idempotency_key.clear();
}

void request_reader::on_request_impl(http::verb, string_view method, string_view target, int version, error_code&) {
  buffers_.method.assign(method.data(), method.size());
  buffers_.target.assign(target.data(), target.size());
  version_ = version;
}

void request_reader::on_response_impl(int, string_view, int, error_code& ec) {
  ec = http::error::bad_version; // never called for a request parser
}

std::size_t request_reader::feed(boost::asio::const_buffer data, error_code& ec) {
  input_begin_ = static_cast<const char*>(data.data());
  input_end_ = input_begin_ + data.size();
  const auto used = put(data, ec);
  input_begin_ = input_end_ = nullptr;
  return used;
}

void request_reader::refuse(const char* why, error_code& ec) {
  refusal_ = why;
  ec = http::error::bad_field;
}

void request_reader::on_field_impl(http::field name, string_view name_string, string_view value, error_code& ec) {
  if (input_begin_ != nullptr && !value.empty() && (value.data() < input_begin_ || value.data() >= input_end_)) {
    return refuse("folded header line (obs-fold)", ec);
  }
  if (name == http::field::transfer_encoding) {
    transfer_encoding_ = true;
    last_coding_chunked_ = ends_with_chunked(value); // the last field's last coding decides
  } else if (name == http::field::host) {
    ++host_fields_;
  } else if (name == http::field::expect) {
    expect_continue_ = boost::beast::iequals(value, "100-continue");
  } else if (boost::beast::iequals(name_string, "Idempotency-Key")) {
    buffers_.idempotency_key.assign(value.data(), value.size());
  }
}

void request_reader::on_header_impl(error_code& ec) {
  if (transfer_encoding_ && version_ < 11) {
    return refuse("Transfer-Encoding in an HTTP/1.0 request", ec);
  }
  // Served only when both this reading of the field and Beast's own (which frames the
  // body) say chunked: "chunked;x=1" is chunked to Beast, and a value that is not a
  // token list ("a: chunked") ends in chunked here but leaves Beast reading no body.
  if (transfer_encoding_ && (!last_coding_chunked_ || !chunked())) {
    return refuse("Transfer-Encoding whose last coding is not chunked", ec);
  }
  if (version_ >= 11 && host_fields_ != 1) {
    return refuse(host_fields_ == 0 ? "HTTP/1.1 request without Host" : "more than one Host header", ec);
  }
}

void request_reader::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  if (content_length) {
    buffers_.body.reserve(static_cast<std::size_t>(*content_length)); // bounded by body_limit
  }
}

std::size_t request_reader::on_body_impl(string_view body, error_code&) {
  buffers_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t request_reader::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  buffers_.body.append(body.data(), body.size());
  return body.size();
}

int status_for_read_error(const boost::beast::error_code& ec) noexcept {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return 431;
  }
  if (ec == http::error::body_limit) {
    return 413;
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return 0; // the client went away
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    return 400;
  }
  return 0; // reset, timeout, cancellation
}

} // namespace overlap::server
