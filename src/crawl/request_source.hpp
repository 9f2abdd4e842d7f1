#pragma once
// What each request of a crawl fetches: its endpoint, method, origin-form target and
// body, from one URL or a URL list, with the book's random letters where the URL asks
// for them. Built once before the run; per request only the letters are new.
#include "crawl/url_source.hpp"
#include "overlap/crawl.hpp"
#include "overlap/http_session.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace overlap::crawl {

/// Where connections go: requests to the same key share a pool. `tls` is part of the
/// key so that http:// and https:// to one host never share a connection (nor a TLS
/// session: sessions are kept per host:port of https:// endpoints only).
struct endpoint_key {
  bool tls = false;
  std::string host;
  std::uint16_t port = 80;
  bool operator==(const endpoint_key&) const = default;
};

/// One kind of request, as many requests as its URL list line is visited.
struct request_template {
  std::size_t endpoint = 0;        // index into request_source::endpoints()
  std::string method;              // "GET"
  std::string target;              // origin form; the slots hold placeholder letters
  std::vector<std::size_t> slots;  // where in `target` 10 fresh letters go
  std::optional<std::string> body; // sent with Content-Length when set
  bool head = false;               // a HEAD request: its answer has no body
  std::string body_text() const { return body.value_or(std::string()); }
};

class request_source {
public:
  /// Throws std::invalid_argument for a URL that is not http:// or https://, a bad method, a
  /// `{random}` outside the path and query.
  explicit request_source(const crawl_options& options);

  const std::vector<endpoint_key>& endpoints() const noexcept { return endpoints_; }
  /// The template of request `index` (counted from 0): list entries in turn.
  const request_template& at(std::uint64_t index) const noexcept { return templates_[index % templates_.size()]; }
  /// Replaces `out` with `t`'s target, fresh letters in its slots.
  void fill_target(const request_template& t, std::string& out);
  /// The headers every request carries (views into the options).
  std::span<const http_header> headers() const noexcept { return headers_; }
  /// Whether the headers name their own Host (then the URL's is not sent).
  bool host_given() const noexcept { return host_given_; }

private:
  request_template make_template(const std::string& url, const std::string& method,
                                 const std::optional<std::string>& body);

  std::vector<endpoint_key> endpoints_;
  std::vector<request_template> templates_;
  std::vector<http_header> headers_;
  bool host_given_ = false;
  url_source letters_;
};

/// Whether `url` is the delay server's route (path `/add`, a `delay=` in the query):
/// such a URL without `{random}` gets the book's letters appended.
bool is_delay_server_url(std::string_view url);

/// A method token as RFC 9110 allows (letters, digits and !#$%&'*+-.^_`|~).
bool is_http_token(std::string_view text) noexcept;

} // namespace overlap::crawl
