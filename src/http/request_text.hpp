#pragma once
// HTTP/1.1 request text, written into a buffer the connection reuses.
#include "overlap/http_session.hpp"

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

/// "host" or "host:port" as the Host header wants it (port 80 is implied).
std::string host_header_for(std::string_view host, unsigned port);

} // namespace overlap::http
