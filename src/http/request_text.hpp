#pragma once
// HTTP/1.1 request text, written into a buffer the connection reuses.
#include "overlap/http_session.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace overlap::http {

/// Replaces `out` with `GET target HTTP/1.1` and the Host (and, without keep-alive,
/// `Connection: close`) headers.
void format_get(std::string& out, std::string_view target, std::string_view host_header, bool keep_alive);

/// Replaces `out` with a POST of `body` carrying `headers` and Content-Length.
void format_post(std::string& out, std::string_view target, std::string_view host_header, bool keep_alive,
                 std::string_view body, std::span<const http_header> headers);

/// Replaces `out` with any request: `method target`, Host (unless `host_header` is
/// empty: the caller's headers name it), `Connection: close` without keep-alive,
/// `headers`, and Content-Length with the body when there is one.
void format_request(std::string& out, std::string_view method, std::string_view target, std::string_view host_header,
                    bool keep_alive, std::span<const http_header> headers, const std::optional<std::string_view>& body);

/// "host" or "host:port" as the Host header wants it (port 80 is implied).
std::string host_header_for(std::string_view host, unsigned port);

} // namespace overlap::http
