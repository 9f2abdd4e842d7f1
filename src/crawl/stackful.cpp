// The gevent crawler as stackful coroutines: asio::spawn runs each request on its own
// small stack (Boost.Context), where asynchronous calls read like blocking ones, as
// gevent's monkey-patched sockets do. A semaphore of C caps the requests in flight and
// results are taken in completion order (gevent.iwait).
//
//   with semaphore:         limit.async_acquire(yield)
//       urlopen(url).read() async_connect / async_write / async_read(..., yield[ec])
//
// As in coroutine.cpp, a coroutine is spawned only once the semaphore grants it a
// permit, and keeps the permit for the next URL when its request is done, so memory
// holds C stacks, not N, and no request waits for a trip through the event loop.
// Stacks come from a pool and are reused.
#include "crawl/crawl_job.hpp"
#include "http/connection_pool.hpp"
#include "http/request_text.hpp"
#include "http/response_reader.hpp"
#include "overlap/async_semaphore.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/context/pooled_fixedsize_stack.hpp>

namespace overlap::crawl {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using boost::system::error_code;

namespace {

// Enough for Beast's parser and Asio's frames with room to spare; only touched pages
// become resident, so C = 10,000 stacks cost far less than 10,000 x 64 KiB.
constexpr std::size_t stack_bytes = 64 * 1024;

struct stackful_crawl {
  stackful_crawl(crawl_job& j, asio::io_context& ctx)
      : job(j), pool(ctx.get_executor(), http::body_limit_bytes, j.options.keep_alive),
        limit(ctx.get_executor(), j.options.concurrency), stacks(stack_bytes) {}

  crawl_job& job;
  http::connection_pool pool;
  async_semaphore limit;
  boost::context::pooled_fixedsize_stack stacks;
  std::uint64_t next_index = 0;
  std::size_t started = 0;
  std::size_t finished = 0;
  std::exception_ptr failure;
};

struct attempt_outcome {
  std::optional<failure_kind> failure;
  int status = 0;
  std::size_t bytes = 0;
};

/// One request/response on a pooled connection, suspending this stack while it waits.
attempt_outcome exchange(stackful_crawl& sc, const std::string& target, const asio::yield_context& yield) {
  auto c = sc.pool.take();
  http::format_get(c->request, target, sc.job.host_header, sc.pool.keep_alive());
  c->start_deadline(sc.job.options.timeout);
  error_code ec;
  auto fail = [&](http_phase phase) {
    attempt_outcome out{http::classify_failure(phase, ec, c->timed_out())};
    sc.pool.give_back(std::move(c), false);
    return out;
  };
  if (!c->connected) {
    ec = c->open();
    if (!ec) {
      c->socket.async_connect(sc.job.endpoint, yield[ec]);
    }
    if (ec) {
      return fail(http_phase::connect);
    }
    c->connected = true;
  }
  asio::async_write(c->socket, asio::buffer(c->request), yield[ec]);
  if (ec) {
    return fail(http_phase::write);
  }
  http::response_reader reader(c->body);
  reader.header_limit(http::header_limit_bytes);
  reader.body_limit(http::body_limit_bytes);
  beast_http::async_read(c->socket, c->buffer, reader, yield[ec]);
  if (ec) {
    return fail(http_phase::read);
  }
  attempt_outcome out{std::nullopt, reader.status(), c->body.size()};
  if (!is_success_status(out.status)) {
    out.failure = failure_kind::status;
  }
  sc.pool.give_back(std::move(c), reader.keep_alive());
  return out;
}

void fetch(stackful_crawl& sc, std::uint64_t index, const asio::yield_context& yield) {
  auto& job = sc.job;
  std::string target;
  job.urls.next_target(target);
  const auto start = steady_clock::now();
  for (unsigned attempt = 0;; ++attempt) {
    const auto out = exchange(sc, target, yield);
    if (!out.failure) {
      job.accounting.finished(index, start, out.status, out.bytes, true);
      return;
    }
    job.accounting.attempt_failed(*out.failure);
    if (attempt >= job.options.retries) {
      job.accounting.finished(index, start, out.status, 0, false);
      return;
    }
    job.accounting.retrying();
    asio::steady_timer pause(yield.get_executor(), crawl_job::backoff(attempt));
    error_code ignored;
    pause.async_wait(yield[ignored]);
  }
}

void fetch_while_urls_remain(stackful_crawl& sc, const asio::yield_context& yield) {
  while (sc.next_index < sc.job.options.n) {
    fetch(sc, sc.next_index++, yield);
  }
}

void start_all(stackful_crawl& sc, const asio::yield_context& yield) {
  const auto n = sc.job.options.n;
  for (;;) {
    if (!sc.limit.try_acquire()) {
      sc.limit.async_acquire(yield); // throws only if the semaphore is destroyed
    }
    if (sc.next_index >= n || sc.started >= n) {
      sc.limit.release();
      return;
    }
    ++sc.started;
    asio::spawn(
        yield.get_executor(), std::allocator_arg, boost::context::pooled_fixedsize_stack(sc.stacks),
        [&sc](const asio::yield_context& y) { fetch_while_urls_remain(sc, y); },
        [&sc](std::exception_ptr e) {
          sc.limit.release();
          if (e && !sc.failure) {
            sc.failure = e;
          }
          if (++sc.finished == sc.started) {
            sc.pool.close_all();
          }
        });
  }
}

} // namespace

void crawl_stackful(crawl_job& job) {
  asio::io_context ctx(1);
  stackful_crawl sc(job, ctx);
  job.accounting.begin();
  asio::spawn(
      asio::any_io_executor(ctx.get_executor()), std::allocator_arg, boost::context::pooled_fixedsize_stack(sc.stacks),
      [&sc](const asio::yield_context& y) { start_all(sc, y); },
      [&sc](std::exception_ptr e) {
        if (e && !sc.failure) {
          sc.failure = e;
          sc.pool.close_all();
        }
      });
  ctx.run();
  job.connections_opened = sc.pool.opened();
  if (sc.failure) {
    std::rethrow_exception(sc.failure);
  }
}

} // namespace overlap::crawl
