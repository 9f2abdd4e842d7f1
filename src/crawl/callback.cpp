// The tornado callback crawler as Asio completion handlers: C chains, each a little
// state machine whose every step names the next as its completion handler:
//
//   next -> connect -> on_connect -> on_write -> on_read -> done -> next ...
//
// No coroutine anywhere: what a coroutine would keep in local variables lives in the
// chain object, and every `this` capture relies on the chains outliving the loop.
#include "crawl/crawl_job.hpp"
#include "http/connection_pools.hpp"
#include "http/request_text.hpp"
#include "http/response_reader.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <optional>
#include <vector>

namespace overlap::crawl {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

struct shared_state {
  crawl_job& job;
  http::connection_pools pool;
  std::uint64_t next_index = 0;
  std::size_t active_chains = 0;
};

class chain {
public:
  chain(shared_state& s, asio::io_context& ctx) : s_(s), pause_(ctx), request_(s.job, 0) {}
  chain(const chain&) = delete;
  chain& operator=(const chain&) = delete;

  /// Takes the next request, if any is left.
  void next() {
    if (!s_.job.may_start(s_.next_index)) {
      if (--s_.active_chains == 0) {
        s_.pool.close_all(); // the last chain is done: let the loop run dry
      }
      return;
    }
    const auto index = s_.next_index++;
    template_ = &s_.job.next_request(index, target_);
    send_when_due(index, steady_clock::now()); // this chain's connection is free from now
  }

private:
  /// Sends request `index` now, or once it is due in a paced run (waiting in slices
  /// that let a stop through: a stopped run sends what it has taken at once).
  void send_when_due(std::uint64_t index, steady_clock::time_point slot_free) {
    if (s_.job.paced()) {
      const auto due = s_.job.due(index);
      if (crawl_job::worth_waiting_for(due) && !s_.job.stop_asked()) {
        pause_.expires_at(crawl_job::wake_at(due));
        pause_.async_wait([this, index, slot_free](const error_code&) { send_when_due(index, slot_free); });
        return;
      }
    }
    request_ = request_attempts(s_.job, index, slot_free);
    try_once();
  }

  void try_once() {
    const auto& endpoint = s_.job.endpoints[template_->endpoint];
    conn_ = s_.pool.take(template_->endpoint);
    http::format_request(conn_->request, template_->method, target_, endpoint.host_header, s_.pool.keep_alive(),
                         s_.job.requests.headers(), template_->body);
    conn_->start_deadline(s_.job.options.timeout);
    if (conn_->connected) {
      write();
      return;
    }
    if (const auto ec = conn_->open()) {
      // Out of descriptors, say: fail later, not by recursion (n failures in a row
      // would otherwise nest n calls deep).
      asio::post(conn_->stream.get_executor(), [this, ec] { fail(http_phase::connect, ec); });
      return;
    }
    conn_->async_connect(endpoint.address, [this](const error_code& ec) { on_connect(ec); });
  }

  void on_connect(const error_code& ec) {
    if (ec) {
      fail(http_phase::connect, ec);
      return;
    }
    conn_->connected = true;
    write();
  }

  void write() {
    asio::async_write(conn_->stream, asio::buffer(conn_->request),
                      [this](const error_code& ec, std::size_t) { on_write(ec); });
  }

  void on_write(const error_code& ec) {
    if (ec) {
      fail(http_phase::write, ec);
      return;
    }
    reader_.emplace(conn_->body, s_.pool.body_limit_bytes(), template_->head);
    http::async_read_response(conn_->stream, conn_->buffer, *reader_, [this](const error_code& ec) { on_read(ec); });
  }

  void on_read(const error_code& ec) {
    if (ec) {
      fail(http_phase::read, ec);
      return;
    }
    const auto outcome = attempt_outcome::answer(reader_->status(), conn_->body.size(), reader_->retry_after());
    s_.pool.give_back(template_->endpoint, std::move(conn_), reader_->keep_alive());
    done(outcome);
  }

  void fail(http_phase phase, const error_code& ec) {
    const auto kind = conn_->classify(phase, ec);
    s_.pool.give_back(template_->endpoint, std::move(conn_), false);
    done(attempt_outcome::failed(kind));
  }

  void done(const attempt_outcome& outcome) {
    const auto pause = request_.after(outcome);
    if (!pause) {
      next();
      return;
    }
    pause_.expires_after(*pause);
    pause_.async_wait([this](const error_code&) { try_once(); });
  }

  shared_state& s_;
  asio::steady_timer pause_;
  std::shared_ptr<http::client_connection> conn_;
  std::optional<http::response_reader> reader_;
  std::string target_;
  const request_template* template_ = nullptr;
  request_attempts request_;
};

} // namespace

void crawl_callback(crawl_job& job) {
  asio::io_context ctx(1);
  shared_state s{job, http::connection_pools(ctx.get_executor(), http::body_limit_bytes, job.options.keep_alive,
                                             job.tls_peers(), job.options.concurrency)};
  const auto chains_count = std::min<std::size_t>(job.options.concurrency, job.options.n);
  std::vector<std::unique_ptr<chain>> chains;
  chains.reserve(chains_count);
  for (std::size_t i = 0; i < chains_count; ++i) {
    chains.push_back(std::make_unique<chain>(s, ctx));
  }
  s.active_chains = chains_count;
  job.accounting.begin();
  for (auto& c : chains) {
    c->next();
  }
  ctx.run();
  job.connections_opened = s.pool.opened();
}

} // namespace overlap::crawl
