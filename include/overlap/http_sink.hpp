#pragma once
// The book's database over HTTP: each result is POSTed to a URL (POST /add).
#include "overlap/tls_options.hpp"
#include "overlap/workload.hpp"

#include <chrono>
#include <string>

namespace overlap {

/// A sink factory whose sinks POST each result as the request body to `url`
/// ("http://host:port/path?query" or "https://..."), with an `Idempotency-Key` header,
/// over one keep-alive session of at most `max_connections` connections, each attempt
/// within `timeout` (pass workload_options::save_timeout); an https:// URL's server is
/// checked as `tls` says. A reply carries the session's failure kind as it is. Throws
/// std::invalid_argument now for a URL that is not http:// or https://, or a CA file
/// that does not load.
sink_factory http_sink_factory(const std::string& url, std::size_t max_connections,
                               std::chrono::milliseconds timeout = workload_options{}.save_timeout,
                               const tls_client_options& tls = {});

} // namespace overlap
