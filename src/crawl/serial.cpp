// The requests crawler: a blocking client, one request at a time. Each call blocks
// the thread until it is done (poll() bounds every wait by the timeout, as requests'
// socket timeouts do); with keep-alive one connection serves every request.
#include "crawl/blocking_stream.hpp"
#include "crawl/crawl_job.hpp"
#include "http/client_connection.hpp"
#include "http/request_text.hpp"
#include "http/response_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <thread>

namespace overlap::crawl {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

struct serial_client {
  crawl_job& job;
  blocking_stream stream;
  boost::beast::flat_buffer buffer{http::header_limit_bytes + http::body_limit_bytes};
  std::string request;
  std::string body;
  std::size_t opened = 0;

  std::size_t connected_to = 0; // the endpoint the open stream is connected to

  /// One attempt at `target`.
  attempt_outcome attempt(const request_template& t, const std::string& target) {
    const auto& endpoint = job.endpoints[t.endpoint];
    http::format_request(request, t.method, target, endpoint.host_header, job.options.keep_alive,
                         job.requests.headers(), t.body);
    stream.set_deadline(steady_clock::now() + job.options.timeout);
    if (stream.is_open() && connected_to != t.endpoint) {
      stream.close(); // one connection at a time: the next host needs its own
    }
    auto fail = [&](http_phase phase, const error_code& ec) {
      stream.close();
      return attempt_outcome::failed(http::classify_failure(phase, ec, stream.timed_out()));
    };
    if (!stream.is_open()) {
      buffer.clear();
      ++opened;
      connected_to = t.endpoint;
      if (const auto ec = stream.connect(endpoint.address)) {
        return fail(http_phase::connect, ec);
      }
      if (endpoint.key.tls) {
        if (const auto ec = stream.handshake(*job.tls, endpoint.key.host, endpoint.key.port)) {
          return fail(http_phase::handshake, ec);
        }
      }
    }
    if (const auto ec = stream.write_all(request)) {
      return fail(http_phase::write, ec);
    }
    http::response_reader reader(body, http::body_limit_bytes, t.head);
    error_code ec;
    http::read_response(stream, buffer, reader, ec);
    if (ec) {
      return fail(http_phase::read, ec);
    }
    if (!reader.keep_alive() || !job.options.keep_alive) {
      stream.close();
    }
    return attempt_outcome::answer(reader.status(), body.size(), reader.retry_after());
  }
};

} // namespace

void crawl_serial(crawl_job& job) {
  serial_client client{job};
  std::string target;
  job.accounting.begin();
  for (std::uint64_t i = 0;; ++i) {
    // The one connection is free from here: a paced run sleeps until the request is
    // due, or sends it at once if the previous answer came after that.
    const auto slot_free = steady_clock::now();
    if (job.paced() && i < job.options.n) {
      const auto due = job.due(i);
      while (crawl_job::worth_waiting_for(due) && !job.stop_asked()) {
        std::this_thread::sleep_until(crawl_job::wake_at(due));
      }
    }
    if (!job.may_start(i)) {
      break;
    }
    const auto& t = job.next_request(i, target);
    request_attempts request(job, i, slot_free);
    while (const auto pause = request.after(client.attempt(t, target))) {
      std::this_thread::sleep_for(*pause); // blocking, like everything here
    }
  }
  job.connections_opened = client.opened;
}

} // namespace overlap::crawl
