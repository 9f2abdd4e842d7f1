#pragma once
// What every strategy shares: the options, the target, one URL source, one result
// accounting (counts, latency histogram, optional timeline, progress) and the retry
// loop. Each strategy file only decides how requests are driven.
#include "crawl/url_source.hpp"
#include "http/client_connection.hpp"
#include "http/tls_client.hpp"
#include "http/url.hpp"
#include "overlap/crawl.hpp"
#include "overlap/retry_policy.hpp"
#include "record/latency_histogram.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace overlap::crawl {

using steady_clock = std::chrono::steady_clock;

/// Counts and times every request of one run. Single-threaded: call it from the
/// thread that runs the crawl.
class crawl_accounting {
public:
  explicit crawl_accounting(const crawl_options& options);

  /// Marks the run's start: timeline times are measured from here.
  void begin();
  steady_clock::time_point origin() const noexcept { return origin_; }

  /// One attempt failed (whether or not it will be retried).
  void attempt_failed(failure_kind kind) noexcept;
  /// Another attempt is about to be made for a request.
  void retrying() noexcept { ++result_.retries; }
  /// A request is over: `ok` if its last attempt succeeded (then `bytes` counts).
  void finished(std::uint64_t index, steady_clock::time_point start, int status, std::uint64_t bytes, bool ok);

  std::size_t done() const noexcept { return done_; }
  /// No further request starts: the result counts those started so far.
  void interrupt(std::size_t started) noexcept;
  /// The run's result; call once, after the last request finished.
  crawl_result take_result(std::size_t connections_opened);

private:
  void report_progress(steady_clock::time_point now);

  const crawl_options& options_;
  crawl_result result_;
  record::latency_histogram latency_;
  steady_clock::time_point origin_{};
  steady_clock::time_point last_end_{};
  steady_clock::time_point next_progress_{};
  std::size_t done_ = 0;
};

/// The status a complete answer must have.
constexpr bool is_success_status(int status) noexcept { return status >= 200 && status < 300; }

/// What one attempt came to, in the terms every strategy reports.
struct attempt_outcome {
  std::optional<failure_kind> failure; // nothing: a complete 2xx answer
  int status = 0;                      // of a complete final answer, else 0
  std::size_t bytes = 0;               // its body's length
  std::optional<std::chrono::milliseconds> retry_after;

  /// A complete final answer: a `status` failure unless it is 2xx.
  static attempt_outcome answer(int status, std::size_t bytes,
                                std::optional<std::chrono::milliseconds> retry_after = std::nullopt) noexcept;
  /// No complete answer.
  static attempt_outcome failed(failure_kind kind) noexcept { return {kind, 0, 0, std::nullopt}; }
};

struct crawl_job;

/// One request's attempts: the retry loop that every strategy runs in its own style.
///
///   request_attempts request(job, index);      // the request starts now
///   do { outcome = attempt(); }                 // blocking, chained or co_awaited
///   while (auto pause = request.after(outcome)) // accounted; wait *pause, then again
///
/// after() counts the attempt and, when the request is over (it succeeded, or its
/// last attempt failed), reports it to the accounting and returns nothing.
class request_attempts {
public:
  request_attempts(crawl_job& job, std::uint64_t index) noexcept;

  std::optional<std::chrono::milliseconds> after(const attempt_outcome& outcome);
  std::uint64_t index() const noexcept { return index_; }

private:
  crawl_job* job_;
  std::uint64_t index_;
  steady_clock::time_point start_;
  unsigned attempt_ = 0;
};

struct crawl_job {
  crawl_job(const crawl_options& o, http::http_base b, boost::asio::ip::tcp::endpoint e);

  const crawl_options& options;
  http::http_base base;
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;
  url_source urls;
  crawl_accounting accounting;
  retry_policy retry; // options.retries, with the policy's backoff
  std::size_t connections_opened = 0;
  /// For https://: the run's one TLS client (context, sessions, handshake counts),
  /// shared by all its connections. Null for http://.
  std::unique_ptr<http::tls_client> tls;
  /// Set by a strategy whose client has a TLS client of its own (http_session's).
  std::optional<tls_handshake_counts> tls_counts;

  /// Where the run's connections go, for a connection_pool (no TLS for http://).
  http::tls_peer tls_peer() const { return {tls.get(), base.host, base.port}; }

  /// Whether request `index` (counted from 0, in start order) may start: it exists and
  /// no stop was requested. Every strategy asks this before taking the next URL.
  bool may_start(std::uint64_t index);
};

/// Each strategy runs the whole job on the calling thread and returns when every
/// request is finished; results go to job.accounting.
void crawl_serial(crawl_job& job);
void crawl_callback(crawl_job& job);
void crawl_stackful(crawl_job& job);
void crawl_curl(crawl_job& job);
void crawl_coroutine(crawl_job& job);

} // namespace overlap::crawl
