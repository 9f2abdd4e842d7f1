#include "http/request_text.hpp"

#include <charconv>

namespace overlap::http {

namespace {

void append_start(std::string& out, std::string_view method, std::string_view target, std::string_view host_header,
                  bool keep_alive) {
  out.clear();
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  if (!host_header.empty()) {
    out.append("Host: ").append(host_header).append("\r\n");
  }
  if (!keep_alive) {
    out.append("Connection: close\r\n");
  }
}

} // namespace

void format_get(std::string& out, std::string_view target, std::string_view host_header, bool keep_alive) {
  append_start(out, "GET", target, host_header, keep_alive);
  out.append("\r\n");
}

void format_request(std::string& out, std::string_view method, std::string_view target, std::string_view host_header,
                    bool keep_alive, std::span<const http_header> headers,
                    const std::optional<std::string_view>& body) {
  append_start(out, method, target, host_header, keep_alive);
  for (const auto& h : headers) {
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  if (!body) {
    out.append("\r\n");
    return;
  }
  char digits[24];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), body->size());
  out.append("Content-Length: ").append(digits, end).append("\r\n\r\n").append(*body);
}

void format_post(std::string& out, std::string_view target, std::string_view host_header, bool keep_alive,
                 std::string_view body, std::span<const http_header> headers) {
  format_request(out, "POST", target, host_header, keep_alive, headers, body);
}

std::string host_header_for(std::string_view host, unsigned port) {
  std::string out;
  const bool ipv6_literal = host.find(':') != std::string_view::npos && !host.starts_with('[');
  if (ipv6_literal) {
    out.push_back('[');
  }
  out.append(host);
  if (ipv6_literal) {
    out.push_back(']');
  }
  if (port != 80) {
    out.push_back(':');
    out.append(std::to_string(port));
  }
  return out;
}

} // namespace overlap::http
