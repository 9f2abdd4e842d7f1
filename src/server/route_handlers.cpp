// One handler per route of the delay server: each carries out its request, answers it,
// and records it once the answer is written.
#include "server/blocking_work.hpp"
#include "server/exchange.hpp"
#include "server/metrics_file.hpp"
#include "server/request_io.hpp"
#include "server/utf8.hpp"

#include "overlap/wall_clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <cstdio>
#include <optional>

namespace overlap::server {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t flush_piece_bytes = 64 * 1024;
constexpr std::string_view plain_text = "text/plain; charset=UTF-8";

enum class wait_end : std::uint8_t { done, cancelled, client_left };

/// Sleeps `delay`, recording how far past it the timer woke. False if cancelled.
asio::awaitable<bool> sleep_for(shard& sh, std::chrono::milliseconds delay) {
  if (delay.count() == 0) {
    co_return true;
  }
  const auto before = steady::now();
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  auto [ec] = co_await timer.async_wait(use_tuple);
  sh.ctx.stats.record_overshoot(sh.index, steady::now() - before - delay);
  co_return !ec;
}

/// Sleeps `delay` unless the client leaves first.
asio::awaitable<wait_end> sleep_watching(request_context& rc, std::chrono::milliseconds delay) {
  auto r = co_await (sleep_for(rc.sh, delay) || until_client_leaves(rc.st.stream, rc.buffer));
  if (r.index() == 1) {
    co_return wait_end::client_left;
  }
  co_return std::get<0>(r) ? wait_end::done : wait_end::cancelled;
}

/// Acquires a unit into `permit` (which then returns it, even if this one lost a race).
asio::awaitable<bool> acquire_into(async_semaphore& gate, semaphore_permit& permit) {
  auto [ec] = co_await gate.async_acquire(use_tuple);
  if (!ec) {
    permit = semaphore_permit(gate);
  }
  co_return !ec;
}

/// Waits for the capacity gate (if any) unless the client leaves first.
asio::awaitable<wait_end> admit(request_context& rc, semaphore_permit& permit) {
  auto& gate = rc.sh.ctx.capacity;
  if (!gate) {
    co_return wait_end::done;
  }
  if (gate->try_acquire()) {
    permit = semaphore_permit(*gate);
    co_return wait_end::done;
  }
  auto r = co_await (acquire_into(*gate, permit) || until_client_leaves(rc.st.stream, rc.buffer));
  if (r.index() == 1) {
    co_return wait_end::client_left;
  }
  co_return std::get<0>(r) ? wait_end::done : wait_end::cancelled;
}

request_end given_up(request_context& rc, wait_end why) {
  if (why == wait_end::client_left) {
    rc.sh.ctx.stats.request_abandoned(rc.sh.index);
  }
  return request_end::dropped;
}

/// Records a request about to be answered; says once when the records are full. False
/// if it was not recorded.
bool record(request_context& rc, double start, double end) {
  auto& ctx = rc.sh.ctx;
  if (ctx.records.add(rc.sh.index, rc.ex.target.add.name, start, end)) {
    return true;
  }
  if (!ctx.told_records_full.load() && !ctx.told_records_full.exchange(true)) {
    std::fprintf(stderr,
                 "overlap serve: records full (%zu bytes, %zu records): answering without recording until "
                 "GET /add?flush=True&reset=True\n",
                 ctx.records.limit_bytes(), ctx.records.size());
  }
  return false;
}

/// Sends the answer of a recorded request. The record is made before the answer goes,
/// so that a client that has its answer finds it recorded, and taken back if the answer
/// could not be written: the records hold only answered requests.
asio::awaitable<request_end> send_recorded(request_context& rc, route label, double start, double end, int status,
                                           std::string_view content_type, std::string_view body,
                                           std::string_view extra_headers) {
  const bool recorded = record(rc, start, end);
  const auto result = co_await send_answer(rc, label, status, content_type, body, extra_headers);
  if (recorded && result == request_end::unwritten) {
    rc.sh.ctx.records.remove(rc.sh.index, rc.ex.target.add.name, start, end);
  }
  co_return result;
}

asio::awaitable<request_end> handle_delay(request_context& rc, const route_decision& d) {
  semaphore_permit permit;
  if (auto w = co_await admit(rc, permit); w != wait_end::done) {
    co_return given_up(rc, w);
  }
  const double start = epoch_seconds_now(); // after admission: the wait is service time
  if (d.delay.count() > 0) {
    if (auto w = co_await sleep_watching(rc, d.delay); w != wait_end::done) {
      co_return given_up(rc, w);
    }
  }
  const double end = epoch_seconds_now();
  permit.reset();
  const auto result = co_await send_recorded(rc, route::add_get, start, end, 200, "text/html; charset=UTF-8", ".", {});
  co_return result;
}

/// POST /add's answer: the echo, or with a store the stored result once committed. A
/// save that did not commit is 503: the client must retry (with the same key).
std::string_view answer_save(exchange& ex, std::optional<save_outcome>& stored, response_head& head) {
  if (stored && !stored->committed) {
    head.status = 503;
    head.extra_headers = "Retry-After: 1\r\n";
    ex.body = "Service Unavailable: the result was not stored: " + stored->error + "\n";
    return ex.body;
  }
  if (stored && stored->replayed) {
    head.extra_headers = "Idempotent-Replayed: true\r\n"; // a retry after a lost acknowledgement
  }
  format_saved_result(ex.body, stored ? std::string_view(stored->result) : std::string_view(ex.request.body));
  head.content_type = "application/json";
  return ex.body;
}

asio::awaitable<request_end> handle_save(request_context& rc) {
  auto& ctx = rc.sh.ctx;
  replace_invalid_utf8(rc.ex.request.body); // it goes into JSON and into the store
  replace_invalid_utf8(rc.ex.request.idempotency_key);
  semaphore_permit permit;
  if (auto w = co_await admit(rc, permit); w != wait_end::done) {
    co_return given_up(rc, w);
  }
  const double start = epoch_seconds_now();
  std::optional<save_outcome> stored;
  if (ctx.store) { // the commit runs on the store thread while this one waits the post delay
    auto r =
        co_await ((sleep_for(rc.sh, ctx.options.post_delay) &&
                   ctx.store->async_save(rc.ex.request.idempotency_key, rc.ex.request.body, asio::use_awaitable)) ||
                  until_client_leaves(rc.st.stream, rc.buffer));
    if (r.index() == 1) { // the save may still commit: a retry with its key is answered from the store
      co_return given_up(rc, wait_end::client_left);
    }
    auto [slept, outcome] = std::get<0>(std::move(r));
    if (!slept) {
      co_return request_end::dropped;
    }
    stored = std::move(outcome);
  } else if (auto w = co_await sleep_watching(rc, ctx.options.post_delay); w != wait_end::done) {
    co_return given_up(rc, w);
  }
  const double end = epoch_seconds_now();
  permit.reset();
  response_head head;
  const auto body = answer_save(rc.ex, stored, head);
  if (!rc.ex.target.add.has_name) {
    const auto result =
        co_await send_answer(rc, route::add_post, head.status, head.content_type, body, head.extra_headers);
    co_return result;
  }
  // POST /add?name=N is recorded like a GET, to see overlap
  const auto result =
      co_await send_recorded(rc, route::add_post, start, end, head.status, head.content_type, body, head.extra_headers);
  co_return result;
}

asio::awaitable<request_end> handle_count(request_context& rc) {
  auto& ctx = rc.sh.ctx;
  if (!ctx.store) {
    const auto end = co_await send_answer(rc, route::results, 404, plain_text,
                                          "Not Found: results are stored only when the server runs with --store\n");
    co_return end;
  }
  const std::int64_t n = co_await ctx.store->async_count(asio::use_awaitable);
  if (n < 0) {
    const auto end =
        co_await send_answer(rc, route::results, 500, plain_text, "Internal Server Error: cannot read the store\n");
    co_return end;
  }
  rc.ex.body = "{\"count\": " + std::to_string(n) + "}"; // one integer: its shape is fixed
  const auto end = co_await send_answer(rc, route::results, 200, "application/json", rc.ex.body);
  co_return end;
}

/// Sends the file just written, a piece at a time: a flushing connection holds one
/// piece, whatever the size of the records.
asio::awaitable<request_end> stream_file(request_context& rc, const written_records& file) {
  response_head head{
      .content_type = "application/json", .keep_alive = rc.keep_alive && !rc.sh.stopping, .version = rc.version};
  format_head(rc.ex.response, head, file.size);
  rc.sh.ctx.stats.count_request(rc.sh.index, route::flush, head.status);
  rc.st.deadline = steady::now() + rc.sh.ctx.options.header_timeout;
  if (co_await write_fully(rc.st.stream, rc.ex.response)) {
    co_return request_end::unwritten;
  }
  auto& piece = rc.ex.body;
  for (std::size_t offset = 0; offset < file.size;) {
    piece.resize(std::min(flush_piece_bytes, file.size - offset));
    const auto n = ::pread(file.file.get(), piece.data(), piece.size(), static_cast<off_t>(offset));
    if (n <= 0) {
      co_return request_end::unwritten; // cannot happen short of a disk error: the client sees a short answer
    }
    rc.st.deadline = steady::now() + rc.sh.ctx.options.header_timeout; // each piece must be taken in time
    if (co_await write_fully(rc.st.stream, std::string_view(piece.data(), static_cast<std::size_t>(n)))) {
      co_return request_end::unwritten;
    }
    offset += static_cast<std::size_t>(n);
  }
  piece = std::string(); // give the piece's memory back
  co_return head.keep_alive ? request_end::keep_going : request_end::close;
}

asio::awaitable<request_end> handle_flush(request_context& rc) {
  auto& ctx = rc.sh.ctx;
  const bool reset = rc.ex.target.add.reset;
  written_records file;
  // Off the loop: the copy, the sort and the file of a million records take seconds.
  co_await async_run_blocking(
      ctx.blocking,
      [&ctx, &file, reset] {
        auto records = reset ? ctx.records.take() : ctx.records.snapshot();
        file = write_records_file(records, ctx.options.metrics_file, flush_piece_bytes);
        if (reset && !file.error.empty()) {
          ctx.records.restore(records);
        } else if (reset) {
          ctx.told_records_full = false;
        }
      },
      asio::use_awaitable);
  if (!file.error.empty()) {
    rc.ex.body = "Internal Server Error: " + file.error + "\n";
    const auto end = co_await send_answer(rc, route::flush, 500, plain_text, rc.ex.body);
    co_return end;
  }
  const auto end = co_await stream_file(rc, file);
  co_return end;
}

} // namespace

asio::awaitable<request_end> send_answer(request_context& rc, route label, int status, std::string_view content_type,
                                         std::string_view body, std::string_view extra_headers) {
  response_head head{.status = status,
                     .content_type = content_type,
                     .keep_alive = rc.keep_alive && !rc.sh.stopping, // a stop may have begun while it waited
                     .version = rc.version,
                     .extra_headers = extra_headers};
  format_response(rc.ex.response, head, body);
  rc.sh.ctx.stats.count_request(rc.sh.index, label, head.status);
  rc.st.deadline = steady::now() + rc.sh.ctx.options.header_timeout; // the client must read the answer
  if (co_await write_fully(rc.st.stream, rc.ex.response)) {
    co_return request_end::unwritten;
  }
  co_return head.keep_alive ? request_end::keep_going : request_end::close;
}

asio::awaitable<request_end> carry_out(request_context& rc, const route_decision& d) {
  request_end end = request_end::dropped;
  switch (d.what) {
  case action::respond: end = co_await send_answer(rc, d.label, d.status, plain_text, d.body, d.extra_headers); break;
  case action::delay: end = co_await handle_delay(rc, d); break;
  case action::save: end = co_await handle_save(rc); break;
  case action::count: end = co_await handle_count(rc); break;
  case action::flush: end = co_await handle_flush(rc); break;
  case action::metrics:
    rc.ex.body = rc.sh.ctx.stats.render_prometheus(rc.sh.ctx.gauges());
    end = co_await send_answer(rc, route::metrics, 200, "text/plain; version=0.0.4; charset=utf-8", rc.ex.body);
    break;
  }
  co_return end;
}

} // namespace overlap::server
