#include "server/routes.hpp"

namespace overlap::server {

namespace {

route_decision respond(route label, int status, std::string_view body, std::string_view extra = {}) {
  route_decision d;
  d.label = label;
  d.status = status;
  d.body = body;
  d.extra_headers = extra;
  return d;
}

route_decision route_add(std::string_view method, const parsed_target& t) {
  if (method == "POST") {
    if (t.name_too_long) {
      return respond(route::add_post, 400, "Invalid name: longer than 256 bytes once decoded\n");
    }
    route_decision d;
    d.what = action::save;
    d.label = route::add_post;
    return d;
  }
  if (method != "GET") {
    return respond(route::other, 405, "Method Not Allowed: /add takes GET or POST\n", "Allow: GET, POST\r\n");
  }
  if (t.add.flush) {
    route_decision d;
    d.what = action::flush;
    d.label = route::flush;
    return d;
  }
  if (t.invalid_delay) {
    return respond(route::add_get, 400, "Invalid value for delay: a whole number of milliseconds from 0 to 3600000\n");
  }
  if (!t.add.has_name) {
    return respond(route::add_get, 400, "Missing argument name\n");
  }
  if (t.name_too_long) {
    return respond(route::add_get, 400, "Invalid name: longer than 256 bytes once decoded\n");
  }
  route_decision d;
  d.what = action::delay;
  d.label = route::add_get;
  d.delay = t.add.delay;
  return d;
}

} // namespace

route_decision route_request(std::string_view method, std::string_view target, parsed_target& scratch) {
  parse_target(target, scratch);
  if (scratch.malformed) {
    return respond(route::other, 400, "Malformed request target or percent-encoding\n");
  }
  if (scratch.path == "/add") {
    return route_add(method, scratch);
  }
  if (scratch.path == "/metrics") {
    if (method != "GET") {
      return respond(route::other, 405, "Method Not Allowed: /metrics takes GET\n", "Allow: GET\r\n");
    }
    route_decision d;
    d.what = action::metrics;
    d.label = route::metrics;
    return d;
  }
  if (scratch.path == "/results/count") {
    if (method != "GET") {
      return respond(route::other, 405, "Method Not Allowed: /results/count takes GET\n", "Allow: GET\r\n");
    }
    route_decision d;
    d.what = action::count;
    d.label = route::results;
    return d;
  }
  return respond(route::other, 404, "Not Found: the routes are /add, /metrics and /results/count\n");
}

} // namespace overlap::server
