#include "crawl/request_source.hpp"

#include "http/url.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace overlap::crawl {

namespace {

// The placeholder as it survives URL parsing (braces are not allowed in a URL).
constexpr std::string_view encoded_placeholder = "%7Brandom%7D";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) {
    ++count;
  }
  return count;
}

} // namespace

bool is_http_token(std::string_view text) noexcept {
  constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || extra.find(c) != std::string_view::npos;
  });
}

bool is_delay_server_url(std::string_view url) {
  const auto text = replace_all(std::string(url), random_placeholder, "");
  const auto parsed = boost::urls::parse_uri(text);
  long long delay_ms = 0;
  return parsed && parsed->encoded_path() == "/add" && http::delay_in_url(text, delay_ms);
}

request_source::request_source(const crawl_options& options) : letters_("", options.seed) {
  for (const auto& h : options.headers) {
    headers_.push_back(http_header{h.name, h.value});
    host_given_ = host_given_ || boost::beast::iequals(h.name, "host");
  }
  const std::optional<std::string> body =
      options.body.empty() ? std::nullopt : std::optional<std::string>(options.body);
  if (options.targets.empty()) {
    templates_.push_back(make_template(options.base_url, options.method, body));
    return;
  }
  templates_.reserve(options.targets.size());
  for (const auto& t : options.targets) {
    templates_.push_back(make_template(t.url, t.method.empty() ? options.method : t.method, t.body ? t.body : body));
  }
}

request_template request_source::make_template(const std::string& url, const std::string& method,
                                               const std::optional<std::string>& body) {
  if (!is_http_token(method)) {
    throw std::invalid_argument("'" + method + "' is not an HTTP method");
  }
  std::string text = url;
  if (text.find(random_placeholder) == std::string::npos && is_delay_server_url(text)) {
    text += random_placeholder; // the book's crawler: the delay server's URL plus 10 letters
  }
  const auto placeholders = count_of(text, random_placeholder);
  const auto base = http::parse_http_base(replace_all(text, random_placeholder, encoded_placeholder));
  request_template t;
  t.method = method;
  t.head = method == "HEAD";
  t.body = body;
  if (!t.body && (method == "POST" || method == "PUT" || method == "PATCH")) {
    t.body = std::string(); // Content-Length: 0, which servers want of these methods
  }
  t.target = base.target_prefix;
  if (count_of(t.target, encoded_placeholder) != placeholders) {
    throw std::invalid_argument("'" + url + "': " + std::string(random_placeholder) +
                                " may only stand in the path or the query");
  }
  for (auto at = t.target.find(encoded_placeholder); at != std::string::npos;
       at = t.target.find(encoded_placeholder, at)) {
    t.target.replace(at, encoded_placeholder.size(), std::string(suffix_length, 'x'));
    t.slots.push_back(at);
    at += suffix_length;
  }
  const endpoint_key key{base.tls, base.host, base.port};
  const auto found = std::find(endpoints_.begin(), endpoints_.end(), key);
  t.endpoint = static_cast<std::size_t>(found - endpoints_.begin());
  if (found == endpoints_.end()) {
    endpoints_.push_back(key);
  }
  return t;
}

void request_source::fill_target(const request_template& t, std::string& out) {
  out.assign(t.target);
  for (const auto slot : t.slots) {
    letters_.next_suffix(out.data() + slot);
  }
}

} // namespace overlap::crawl
