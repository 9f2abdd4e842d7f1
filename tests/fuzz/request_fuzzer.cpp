// libFuzzer target over everything the delay server does to a request before any
// I/O: the HTTP parser with the server's limits, pipelining, the mapping of parse
// errors to statuses, routing with query decoding, and the response text.
//
// The first input byte says how the rest arrives (as TCP may cut it): 0 in one read,
// n in reads of n bytes; the rest is what a client sent on one connection.
#include "server/http_response.hpp"
#include "server/request_reader.hpp"
#include "server/routes.hpp"
#include "server/utf8.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

namespace http = boost::beast::http;
using namespace overlap::server;

/// Hands out the client's bytes a read at a time.
struct connection_input {
  std::string_view rest;
  std::size_t read_size;

  bool read_into(boost::beast::flat_buffer& buffer) {
    if (rest.empty() || buffer.size() >= buffer.max_size()) {
      return false;
    }
    const std::size_t n = std::min({rest.size(), read_size, buffer.max_size() - buffer.size()});
    auto space = buffer.prepare(n);
    std::memcpy(space.data(), rest.data(), n);
    buffer.commit(n);
    rest.remove_prefix(n);
    return true;
  }
};

/// What the server's connection does with a parsed request, minus the waiting.
void answer(const request_reader& reader, request_buffers& request, parsed_target& scratch, std::string& body,
            std::string& response) {
  const auto decision = route_request(request.method, request.target, scratch);
  response_head head{.status = decision.status, .version = reader.http_version()};
  std::string_view text = decision.body;
  if (decision.what == action::save) {
    replace_invalid_utf8(request.body); // as the server does before echoing or storing
    format_saved_result(body, request.body);
    if (!is_valid_utf8(body)) {
      std::abort(); // the JSON answer must parse whatever the body held
    }
    text = body;
  } else if (decision.what == action::delay) {
    if (decision.delay.count() < 0 || decision.delay > max_delay || !scratch.add.has_name) {
      std::abort(); // routing let through a delay the server must refuse
    }
    if (!is_valid_utf8(scratch.add.name) || scratch.add.name.size() > 3 * max_name_bytes) {
      std::abort(); // the name goes into metric_data.json
    }
    text = ".";
  }
  head.keep_alive = reader.keep_alive();
  format_response(response, head, text);
  if (response.compare(0, 5, "HTTP/") != 0) {
    std::abort();
  }
}

/// Reads one request as the server does; false when the connection would close.
bool serve_one(connection_input& input, boost::beast::flat_buffer& buffer, request_buffers& request,
               parsed_target& scratch, std::string& body, std::string& response) {
  request_reader reader(request);
  boost::beast::error_code ec;
  while (!reader.is_done()) {
    if (buffer.size() > 0) {
      buffer.consume(reader.feed(buffer.data(), ec));
      if (!ec) {
        continue;
      }
      if (ec != http::error::need_more) {
        break;
      }
      ec = {};
    }
    if (!input.read_into(buffer)) {
      ec = buffer.size() >= buffer.max_size() ? http::error::buffer_overflow : http::error::end_of_stream;
      break;
    }
  }
  if (ec) {
    const int status = status_for_read_error(ec);
    if (status != 0) {
      format_response(response, response_head{.status = status, .keep_alive = false}, ec.message());
    }
    return false;
  }
  // A request is served only if its body's length was known: a Transfer-Encoding that
  // does not end in chunked would let the body be read as the next request (RFC 9112 6.3).
  if ((reader.transfer_encoded() && !reader.chunked()) || (reader.chunked() && reader.http_version() < 11)) {
    std::abort();
  }
  answer(reader, request, scratch, body, response);
  return reader.keep_alive();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  connection_input input{std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                         data[0] == 0 ? size : data[0]};
  boost::beast::flat_buffer buffer(buffer_limit_bytes);
  request_buffers request;
  parsed_target scratch;
  std::string body;
  std::string response;
  // A bounded pipeline: each request consumes at least one byte, so this ends.
  while ((buffer.size() > 0 || !input.rest.empty()) && serve_one(input, buffer, request, scratch, body, response)) {
  }
  return 0;
}
