#include "server/http_response.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include <charconv>

namespace overlap::server {

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 413: return "Content Too Large";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}

namespace {

void append_number(std::string& out, std::size_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

} // namespace

void format_response(std::string& out, const response_head& head, std::string_view body) {
  format_head(out, head, body.size());
  out += body;
}

void format_head(std::string& out, const response_head& head, std::size_t content_length) {
  out.clear();
  out += head.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, static_cast<std::size_t>(head.status));
  out += ' ';
  out += reason_phrase(head.status);
  out += "\r\nServer: overlap\r\nContent-Type: ";
  out += head.content_type;
  out += "\r\nContent-Length: ";
  append_number(out, content_length);
  out += "\r\n";
  if (!head.keep_alive) {
    out += "Connection: close\r\n";
  } else if (head.version == 10) {
    out += "Connection: keep-alive\r\n"; // HTTP/1.0 closes unless told otherwise
  }
  out += head.extra_headers;
  out += "\r\n";
}

void format_saved_result(std::string& out, std::string_view result) {
  out = "{\"result\": ";
  out += boost::json::serialize(boost::json::string_view(result.data(), result.size()));
  out += ", \"t\": 0.5}";
}

} // namespace overlap::server
