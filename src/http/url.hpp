#pragma once
// http:// and https:// URLs as the clients use them: taken apart once, then scheme,
// host, port and an origin-form target.
#include <cstdint>
#include <string>
#include <string_view>

namespace overlap::http {

/// An http:// or https:// URL taken apart.
struct http_base {
  bool tls = false; // https://
  std::string host;
  std::uint16_t port = 80;   // 443 for https:// unless the URL names a port
  std::string target_prefix; // origin form: "/add?name=x&delay=100&"
};

/// Splits `url`; throws std::invalid_argument with a one-line reason unless it is an
/// absolute http:// or https:// URL with a host (no user info, no fragment).
http_base parse_http_base(std::string_view url);

/// The `delay=` value in a URL's query, if it has a valid one (milliseconds).
bool delay_in_url(std::string_view url, long long& delay_ms) noexcept;

} // namespace overlap::http
