#pragma once
// Response text for the delay server. The responses are tiny and fixed in shape, so
// they are written straight into one reused buffer: one write system call each, no
// allocation per request (Beast's serializer adds both, for generality not needed here).
#include <string>
#include <string_view>

namespace overlap::server {

struct response_head {
  int status = 200;
  std::string_view content_type = "text/plain; charset=UTF-8";
  bool keep_alive = true;
  int version = 11;               // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::string_view extra_headers; // complete lines, each ending in "\r\n"
};

/// Replaces `out` with a response's status line and headers, for a body of
/// `content_length` bytes sent after it.
void format_head(std::string& out, const response_head& head, std::size_t content_length);

/// Replaces `out` with a complete response: status line, headers, body.
void format_response(std::string& out, const response_head& head, std::string_view body);

/// Replaces `out` with POST /add's answer, `{"result": "<result as a JSON string>", "t": 0.5}`.
void format_saved_result(std::string& out, std::string_view result);

/// The standard reason phrase of a status code ("OK", "Not Found", ...).
std::string_view reason_phrase(int status) noexcept;

} // namespace overlap::server
