#pragma once
// Which route a request takes and what it needs, decided without I/O: the connection
// then does the waiting, recording and writing.
#include "server/query.hpp"
#include "server/server_stats.hpp"

#include <chrono>
#include <string_view>

namespace overlap::server {

enum class action : std::uint8_t {
  respond, // answer at once with `status` and `body`
  delay,   // GET /add: wait `delay`, answer ".", record under the name
  save,    // POST /add: wait the post delay, echo the body as JSON
  flush,   // GET /add?flush=True: write and return the records (and empty them with reset=True)
  metrics, // GET /metrics
  count,   // GET /results/count: how many results the store holds
};

struct route_decision {
  action what = action::respond;
  route label = route::other;
  int status = 200;
  std::string_view body;          // for `respond`: static text
  std::string_view extra_headers; // for `respond`: e.g. "Allow: GET, POST\r\n"
  std::chrono::milliseconds delay{};
};

/// Routes one request. `scratch` receives the decoded target (its `add.name` is the
/// name to record under); it is reused across requests to keep string capacity.
route_decision route_request(std::string_view method, std::string_view target, parsed_target& scratch);

} // namespace overlap::server
