#include "crawl/url_source.hpp"

#include <boost/url/parse.hpp>

#include <array>
#include <charconv>
#include <random>
#include <stdexcept>

namespace overlap::crawl {

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
  if (scheme != "http") {
    throw std::invalid_argument("only http:// URLs are supported, not " + scheme + "://");
  }
  if (u.encoded_host().empty()) {
    throw std::invalid_argument("the URL has no host");
  }
  if (u.has_userinfo() || u.has_fragment()) {
    throw std::invalid_argument("the URL must not have user info or a fragment");
  }
  http_base base;
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

url_source::url_source(std::string target_prefix, std::uint64_t seed)
    : prefix_(std::move(target_prefix)), state_(seed != 0 ? seed : std::random_device{}() * 0x9E3779B97F4A7C15ull + 1) {
}

std::uint64_t url_source::next_random() noexcept {
  // splitmix64: fast, and plenty for cache-busting suffixes.
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void url_source::next_suffix(char* out) noexcept {
  // A partial Fisher-Yates shuffle of the alphabet: distinct letters, like the book's
  // random.sample(string.ascii_lowercase, 10).
  std::array<char, 26> letters{};
  for (std::size_t i = 0; i < letters.size(); ++i) {
    letters[i] = static_cast<char>('a' + i);
  }
  std::uint64_t bits = next_random();
  for (std::size_t k = 0; k < suffix_length; ++k) {
    const std::size_t remaining = letters.size() - k;
    const std::size_t pick = k + static_cast<std::size_t>(bits % remaining);
    bits /= remaining; // 26 x 25 x ... x 17 < 2^64: one random number is enough
    std::swap(letters[k], letters[pick]);
    out[k] = letters[k];
  }
}

void url_source::next_target(std::string& out) {
  out.assign(prefix_);
  char suffix[suffix_length];
  next_suffix(suffix);
  out.append(suffix, suffix_length);
}

} // namespace overlap::crawl
