// The aiohttp crawler in C++20 coroutines: one keep-alive session per host shared by
// every request, an async semaphore of C, and a task per request, counted as it
// completes.
//
//   async with semaphore:                  co_await limit.async_acquire(...), then co_spawn(fetch)
//       async with session.get(url) as r:  co_await session.get(target)
//                                          the task's end releases the permit
//
// Unlike the book, the N tasks are not all created up front, each then waiting for the
// semaphore (memory would grow with N): the spawning loop takes a permit before it
// creates a task, so at most C task frames exist at once. Nor does it gather results
// with as_completed: each task reports its request to the accounting when it ends,
// which counts requests in completion order all the same.
#include "crawl/crawl_job.hpp"
#include "overlap/async_semaphore.hpp"
#include "overlap/http_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <vector>

namespace overlap::crawl {

namespace asio = boost::asio;

namespace {

/// The run's shared state. Tasks take it by reference: it outlives them all, since
/// crawl_coroutine runs the loop dry before it returns.
struct coroutine_crawl {
  coroutine_crawl(crawl_job& j, asio::io_context& ctx) : job(j), limit(ctx.get_executor(), j.options.concurrency) {
    for (const auto& endpoint : j.endpoints) {
      sessions.push_back(std::make_unique<http_session>(ctx.get_executor(), session_options(j, endpoint)));
    }
  }

  /// Each session may hold C connections; the semaphore keeps C requests in flight in
  /// all of them together (idle connections to other hosts stay open until the end).
  static http_session_options session_options(const crawl_job& j, const crawl_endpoint& endpoint) {
    http_session_options o;
    o.host = endpoint.address.address().to_string();
    o.port = endpoint.address.port();
    o.host_header = endpoint.host_header;
    o.max_connections = j.options.concurrency;
    o.timeout = j.options.timeout;
    o.keep_alive = j.options.keep_alive;
    if (endpoint.key.tls) {
      o.tls = j.options.tls;
      o.tls_server_name = endpoint.key.host; // o.host is the address it resolved to
    }
    return o;
  }

  crawl_job& job;
  std::vector<std::unique_ptr<http_session>> sessions; // one per endpoint
  async_semaphore limit;
  std::size_t running = 0; // request tasks spawned and not yet finished
  bool all_spawned = false;
  std::exception_ptr failure;

  /// Once the last task is over, closes the idle connections (and their watchdogs)
  /// so that run() returns.
  void close_when_done() {
    if (all_spawned && running == 0) {
      close_sessions();
    }
  }

  void close_sessions() {
    for (auto& s : sessions) {
      s->close();
    }
  }

  std::size_t connections_opened() const noexcept {
    std::size_t total = 0;
    for (const auto& s : sessions) {
      total += s->connections_opened();
    }
    return total;
  }

  /// The https:// sessions' handshakes together; none when no endpoint is https://.
  std::optional<tls_handshake_counts> tls_counts() const {
    std::optional<tls_handshake_counts> total;
    for (const auto& s : sessions) {
      if (const auto counts = s->tls_counts()) {
        total = total.value_or(tls_handshake_counts{});
        total->handshakes += counts->handshakes;
        total->resumed += counts->resumed;
        total->failed += counts->failed;
        if (total->failure.empty()) {
          total->failure = counts->failure;
        }
      }
    }
    return total;
  }
};

attempt_outcome outcome_of(const http_response& response) {
  if (response.failure) {
    return attempt_outcome::failed(response.failure->kind);
  }
  return attempt_outcome::answer(response.status, response.body.size(), response.retry_after);
}

/// One request task: its attempts, with the policy's pauses between them. `t` lives in
/// the job, which outlives every task.
asio::awaitable<void> fetch(coroutine_crawl& cc, std::uint64_t index, steady_clock::time_point slot_free,
                            const request_template* t, std::string target) {
  request_attempts request(cc.job, index, slot_free);
  auto& session = *cc.sessions[t->endpoint];
  const auto body = t->body ? std::optional<std::string_view>(*t->body) : std::nullopt;
  while (const auto pause =
             request.after(outcome_of(co_await session.request(t->method, target, cc.job.requests.headers(), body)))) {
    asio::steady_timer timer(co_await asio::this_coro::executor, *pause);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

/// A paced run's wait for a request's due time, in slices that let a stop through.
asio::awaitable<void> wait_until(const crawl_job& job, asio::steady_timer& timer, steady_clock::time_point due) {
  while (crawl_job::worth_waiting_for(due) && !job.stop_asked()) {
    timer.expires_at(crawl_job::wake_at(due));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

/// The book's loop: a task per URL, each created once the semaphore grants it a
/// permit and giving the permit back when its request is over. The stop hook is
/// asked once the permit is granted, just before the request would start. A paced
/// run first waits for the request's due time; a request that then finds C in flight
/// waits for a permit like any other, and that wait counts in its corrected latency.
asio::awaitable<void> spawn_all(coroutine_crawl& cc) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer pacer(executor);
  auto slot_free = steady_clock::time_point::min(); // when the last wait for a permit ended
  for (std::uint64_t index = 0;; ++index) {
    if (cc.job.paced()) {
      co_await wait_until(cc.job, pacer, cc.job.due(index));
    }
    if (!cc.limit.try_acquire()) {
      co_await cc.limit.async_acquire(asio::use_awaitable);
      slot_free = steady_clock::now();
    }
    if (!cc.job.may_start(index)) {
      cc.limit.release();
      break;
    }
    std::string target;
    const auto& t = cc.job.next_request(index, target);
    ++cc.running;
    asio::co_spawn(executor, fetch(cc, index, slot_free, &t, std::move(target)), [&cc](std::exception_ptr e) {
      cc.limit.release();
      if (e && !cc.failure) {
        cc.failure = e;
      }
      --cc.running;
      cc.close_when_done();
    });
  }
  cc.all_spawned = true;
  cc.close_when_done();
}

} // namespace

void crawl_coroutine(crawl_job& job) {
  asio::io_context ctx(1);
  coroutine_crawl cc(job, ctx);
  job.accounting.begin();
  asio::co_spawn(ctx, spawn_all(cc), [&cc](std::exception_ptr e) {
    if (e && !cc.failure) {
      cc.failure = e;
      cc.close_sessions();
    }
  });
  ctx.run();
  job.connections_opened = cc.connections_opened();
  job.tls_counts = cc.tls_counts();
  if (cc.failure) {
    std::rethrow_exception(cc.failure);
  }
}

} // namespace overlap::crawl
