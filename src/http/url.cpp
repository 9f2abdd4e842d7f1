#include "http/url.hpp"

#include <boost/url/parse.hpp>

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace overlap::http {

http_base parse_http_base(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    throw std::invalid_argument("'" + std::string(url) + "' is not a URL");
  }
  const auto& u = *parsed;
  std::string scheme(u.scheme());
  for (auto& ch : scheme) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  if (scheme != "http" && scheme != "https") {
    throw std::invalid_argument("only http:// and https:// URLs are supported, not " + scheme + "://");
  }
  if (u.encoded_host().empty()) {
    throw std::invalid_argument("the URL has no host");
  }
  if (u.has_userinfo() || u.has_fragment()) {
    throw std::invalid_argument("the URL must not have user info or a fragment");
  }
  http_base base;
  base.tls = scheme == "https";
  base.port = base.tls ? 443 : 80;
  base.host = std::string(u.encoded_host_address());
  if (u.has_port()) {
    unsigned port = 0;
    const auto text = u.port();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc{} || end != text.data() + text.size() || port == 0 || port > 65535) {
      throw std::invalid_argument("the URL's port is not a port number");
    }
    base.port = static_cast<std::uint16_t>(port);
  }
  base.target_prefix = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) {
    base.target_prefix += "?";
    base.target_prefix += u.encoded_query();
  }
  return base;
}

bool delay_in_url(std::string_view url, long long& delay_ms) noexcept {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return false;
  }
  for (auto param : parsed->params()) {
    if (param.key == "delay" && param.has_value) {
      const auto& v = param.value;
      long long value = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
      if (ec == std::errc{} && end == v.data() + v.size() && value >= 0) {
        delay_ms = value;
        return true;
      }
    }
  }
  return false;
}

} // namespace overlap::http
