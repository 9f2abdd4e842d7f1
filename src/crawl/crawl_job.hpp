#pragma once
// What every strategy shares: the options, the endpoints, one request source, one
// result accounting (counts, latency histogram, optional timeline, progress), the TLS
// client of https:// endpoints and the retry loop. Each strategy file only decides how
// requests are driven.
#include "crawl/request_source.hpp"
#include "http/client_connection.hpp"
#include "http/tls_client.hpp"
#include "overlap/crawl.hpp"
#include "overlap/retry_policy.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace overlap::crawl {

using steady_clock = std::chrono::steady_clock;

/// When one request was due, could have been sent, and was sent. In the closed model
/// all three are the same instant.
struct request_times {
  steady_clock::time_point due;   // open model: t0 + index / rate
  steady_clock::time_point ready; // a connection was free for it: due, or later when C were in flight
  steady_clock::time_point sent;  // its first attempt started
};

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
  /// A request's final answer had `status` (whether it counts as success or not).
  void answered(int status) { ++result_.statuses[status]; }
  /// Another attempt is about to be made for a request.
  void retrying() noexcept { ++result_.retries; }
  /// A request is over: `ok` if its last attempt succeeded (then `bytes` counts).
  void finished(std::uint64_t index, const request_times& times, int status, std::uint64_t bytes, bool ok);

  std::size_t done() const noexcept { return done_; }
  /// No further request starts: the result counts those started so far.
  void interrupt(std::size_t started) noexcept;
  /// The run's duration is over: the result counts those started so far.
  void time_up(std::size_t started) noexcept;
  /// The run's result; call once, after the last request finished.
  crawl_result take_result(std::size_t connections_opened);

private:
  void report_progress(steady_clock::time_point now);

  void count_open_model(const request_times& times, steady_clock::time_point end);

  const crawl_options& options_;
  crawl_result result_;
  steady_clock::time_point origin_{};
  steady_clock::time_point first_sent_ = steady_clock::time_point::max();
  steady_clock::time_point last_sent_ = steady_clock::time_point::min();
  steady_clock::time_point last_end_{};
  steady_clock::time_point next_progress_{};
  std::size_t done_ = 0;
};

/// What one attempt came to, in the terms every strategy reports.
struct attempt_outcome {
  std::optional<failure_kind> failure; // nothing: a complete answer (judged by request_attempts)
  int status = 0;                      // of a complete final answer, else 0
  std::size_t bytes = 0;               // its body's length
  std::optional<std::chrono::milliseconds> retry_after;

  /// A complete final answer; whether its status counts as success is the options'
  /// ok_statuses, which request_attempts::after applies.
  static attempt_outcome answer(int status, std::size_t bytes,
                                std::optional<std::chrono::milliseconds> retry_after = std::nullopt) noexcept {
    return {std::nullopt, status, bytes, retry_after};
  }
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
  /// The request is sent now. In a paced run it was due at job.due(index) and ready
  /// at the later of that and `slot_free`, when a connection slot became free for it
  /// (the strategy knows when it did); in the closed model it was due and ready now.
  request_attempts(crawl_job& job, std::uint64_t index, steady_clock::time_point slot_free = {}) noexcept;

  std::optional<std::chrono::milliseconds> after(const attempt_outcome& outcome);
  std::uint64_t index() const noexcept { return index_; }

private:
  crawl_job* job_;
  std::uint64_t index_;
  request_times times_;
  unsigned attempt_ = 0;
};

/// An endpoint as the strategies use it: resolved once, before the run.
struct crawl_endpoint {
  endpoint_key key;
  boost::asio::ip::tcp::endpoint address;
  std::string host_header; // empty when the options' headers give their own Host
  std::string origin;      // "http://host[:port]", which curl's URLs start with
};

struct crawl_job {
  crawl_job(const crawl_options& o, request_source r, std::vector<crawl_endpoint> e);

  const crawl_options& options;
  request_source requests;
  std::vector<crawl_endpoint> endpoints; // request_source::endpoints(), resolved
  crawl_accounting accounting;
  retry_policy retry; // options.retries, with the policy's backoff
  std::size_t connections_opened = 0;
  /// When an endpoint is https://: the run's one TLS client (context, sessions per
  /// host:port, handshake counts), shared by all its connections. Null otherwise.
  std::unique_ptr<http::tls_client> tls;
  /// Set by a strategy whose clients have TLS clients of their own (http_session's).
  std::optional<tls_handshake_counts> tls_counts;

  /// Where endpoint `i`'s connections go, for a connection_pool (no TLS for http://).
  http::tls_peer tls_peer(std::size_t i) const {
    const auto& key = endpoints[i].key;
    return {key.tls ? tls.get() : nullptr, key.host, key.port};
  }
  /// tls_peer of every endpoint, in order.
  std::vector<http::tls_peer> tls_peers() const;

  /// Whether request `index` (counted from 0, in start order) may start: it exists, no
  /// stop was requested and the duration is not over (with a rate: it is due before the
  /// duration's end). Every strategy asks this before taking the next request.
  bool may_start(std::uint64_t index);

  /// Whether the run is paced (options.rate: the open model).
  bool paced() const noexcept { return options.rate.has_value(); }
  /// When request `index` is due in a paced run: the run's start + index / rate.
  steady_clock::time_point due(std::uint64_t index) const noexcept;
  /// A paced strategy waits for a request's due time in slices of at most this, asking
  /// options.stop_requested between them, so that a slow rate still stops promptly.
  static constexpr std::chrono::milliseconds pacing_slice{50};
  /// The end of the next slice of the wait for `due`: due itself, or sooner.
  static steady_clock::time_point wake_at(steady_clock::time_point due) noexcept;
  /// A request due sooner than this is sent at once: a wait so short costs more than
  /// it is worth (arming the loop's timer is a system call, and on virtual machines an
  /// expensive one: at 30,000 requests/s it was a quarter of the crawler's CPU). Such a
  /// request counts as due when it was sent, so no latency is understated.
  static constexpr std::chrono::microseconds pacing_lead{50};
  /// Whether a paced strategy should wait for `due` (more than pacing_lead away).
  static bool worth_waiting_for(steady_clock::time_point due) noexcept {
    return steady_clock::now() + pacing_lead < due;
  }
  /// Whether a stop was asked for (options.stop_requested).
  bool stop_asked() const { return options.stop_requested && options.stop_requested(); }

  /// Request `index`'s template, with fresh letters in `target`.
  const request_template& next_request(std::uint64_t index, std::string& target) {
    const auto& t = requests.at(index);
    requests.fill_target(t, target);
    return t;
  }
};

/// Each strategy runs the whole job on the calling thread and returns when every
/// request is finished; results go to job.accounting.
void crawl_serial(crawl_job& job);
void crawl_callback(crawl_job& job);
void crawl_stackful(crawl_job& job);
void crawl_curl(crawl_job& job);
void crawl_coroutine(crawl_job& job);

} // namespace overlap::crawl
