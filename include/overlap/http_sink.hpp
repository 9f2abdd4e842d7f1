#pragma once
// The book's database over HTTP: each result is POSTed to a URL (POST /add).
#include "overlap/workload.hpp"

#include <chrono>
#include <string>

namespace overlap {

/// A sink factory whose sinks POST each result as the request body to `url`
/// ("http://host:port/path?query") with an `Idempotency-Key` header, over one
/// keep-alive session of at most `max_connections` connections, each attempt within
/// `timeout` (pass workload_options::save_timeout). A reply carries the session's
/// failure kind as it is. Throws std::invalid_argument now for a URL that is not
/// http://.
sink_factory http_sink_factory(const std::string& url, std::size_t max_connections,
                               std::chrono::milliseconds timeout = workload_options{}.save_timeout);

} // namespace overlap
