// The gevent crawler as stackful coroutines: asio::spawn runs each request on its own
// small stack (Boost.Context), where asynchronous calls read like blocking ones, as
// gevent's monkey-patched sockets do. A semaphore of C caps the requests in flight and
// results are counted in completion order (gevent.iwait).
//
//   with semaphore:          limit.async_acquire(yield), then asio::spawn(fetch)
//       urlopen(url).read()  async_connect / async_write / async_read(..., yield[ec])
//                            the task's end releases the permit
//
// One task per request, as gevent spawns a greenlet per URL. Unlike the book, the
// spawning loop takes the permit before it spawns a task rather than the task after it
// starts, so at most C stacks exist at once, not N. Stacks come from a pool and are
// reused.
#include "crawl/crawl_job.hpp"
#include "http/connection_pools.hpp"
#include "http/request_text.hpp"
#include "http/response_reader.hpp"
#include "overlap/async_semaphore.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/context/pooled_fixedsize_stack.hpp>

namespace overlap::crawl {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Enough for Beast's parser and Asio's frames with room to spare; only touched pages
// become resident, so C = 10,000 stacks cost far less than 10,000 x 64 KiB.
constexpr std::size_t stack_bytes = 64 * 1024;

/// The run's shared state. Tasks take it by reference: it outlives them all, since
/// crawl_stackful runs the loop dry before it returns.
struct stackful_crawl {
  stackful_crawl(crawl_job& j, asio::io_context& ctx)
      : job(j),
        pool(ctx.get_executor(), http::body_limit_bytes, j.options.keep_alive, j.tls_peers(), j.options.concurrency),
        limit(ctx.get_executor(), j.options.concurrency), stacks(stack_bytes) {}

  crawl_job& job;
  http::connection_pools pool;
  async_semaphore limit;
  boost::context::pooled_fixedsize_stack stacks;
  std::size_t running = 0; // request tasks spawned and not yet finished
  bool all_spawned = false;
  std::exception_ptr failure;

  /// Once the last task is over, closes the idle connections so the loop runs dry.
  void close_when_done() {
    if (all_spawned && running == 0) {
      pool.close_all();
    }
  }
};

/// One request/response on a pooled connection, suspending this stack while it waits.
attempt_outcome exchange(stackful_crawl& sc, const request_template& t, const std::string& target,
                         const asio::yield_context& yield) {
  const auto& endpoint = sc.job.endpoints[t.endpoint];
  auto c = sc.pool.take(t.endpoint);
  http::format_request(c->request, t.method, target, endpoint.host_header, sc.pool.keep_alive(),
                       sc.job.requests.headers(), t.body);
  c->start_deadline(sc.job.options.timeout);
  error_code ec;
  auto fail = [&](http_phase phase) {
    const auto out = attempt_outcome::failed(c->classify(phase, ec));
    sc.pool.give_back(t.endpoint, std::move(c), false);
    return out;
  };
  if (!c->connected) {
    ec = c->open();
    if (!ec) {
      c->async_connect(endpoint.address, yield[ec]);
    }
    if (ec) {
      return fail(http_phase::connect);
    }
    c->connected = true;
  }
  asio::async_write(c->stream, asio::buffer(c->request), yield[ec]);
  if (ec) {
    return fail(http_phase::write);
  }
  http::response_reader reader(c->body, http::body_limit_bytes, t.head);
  http::async_read_response(c->stream, c->buffer, reader, yield[ec]);
  if (ec) {
    return fail(http_phase::read);
  }
  const auto out = attempt_outcome::answer(reader.status(), c->body.size(), reader.retry_after());
  sc.pool.give_back(t.endpoint, std::move(c), reader.keep_alive());
  return out;
}

/// One request task: its attempts, with the policy's pauses between them.
void fetch(stackful_crawl& sc, std::uint64_t index, steady_clock::time_point slot_free, const request_template& t,
           const std::string& target, const asio::yield_context& yield) {
  request_attempts request(sc.job, index, slot_free);
  while (const auto pause = request.after(exchange(sc, t, target, yield))) {
    asio::steady_timer timer(yield.get_executor(), *pause);
    error_code ignored;
    timer.async_wait(yield[ignored]);
  }
}

/// The book's loop: a task per URL, each spawned once the semaphore grants it a
/// permit and giving the permit back when its request is over. The stop hook is
/// asked once the permit is granted, just before the request would start. A paced
/// run first sleeps until the request is due (in slices that let a stop through).
void spawn_all(stackful_crawl& sc, const asio::yield_context& yield) {
  asio::steady_timer pacer(yield.get_executor());
  auto slot_free = steady_clock::time_point::min(); // when the last wait for a permit ended
  for (std::uint64_t index = 0;; ++index) {
    if (sc.job.paced()) {
      const auto due = sc.job.due(index);
      while (crawl_job::worth_waiting_for(due) && !sc.job.stop_asked()) {
        pacer.expires_at(crawl_job::wake_at(due));
        error_code ignored;
        pacer.async_wait(yield[ignored]);
      }
    }
    if (!sc.limit.try_acquire()) {
      sc.limit.async_acquire(yield); // throws only if the semaphore is destroyed
      slot_free = steady_clock::now();
    }
    if (!sc.job.may_start(index)) {
      sc.limit.release();
      break;
    }
    std::string target;
    const auto& t = sc.job.next_request(index, target);
    ++sc.running;
    asio::spawn(
        yield.get_executor(), std::allocator_arg, boost::context::pooled_fixedsize_stack(sc.stacks),
        [&sc, index, slot_free, &t, target = std::move(target)](const asio::yield_context& y) {
          fetch(sc, index, slot_free, t, target, y);
        },
        [&sc](std::exception_ptr e) {
          sc.limit.release();
          if (e && !sc.failure) {
            sc.failure = e;
          }
          --sc.running;
          sc.close_when_done();
        });
  }
  sc.all_spawned = true;
  sc.close_when_done();
}

} // namespace

void crawl_stackful(crawl_job& job) {
  asio::io_context ctx(1);
  stackful_crawl sc(job, ctx);
  job.accounting.begin();
  asio::spawn(
      asio::any_io_executor(ctx.get_executor()), std::allocator_arg, boost::context::pooled_fixedsize_stack(sc.stacks),
      [&sc](const asio::yield_context& y) { spawn_all(sc, y); },
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
