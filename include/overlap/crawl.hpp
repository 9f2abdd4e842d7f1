#pragma once
// The book's crawler experiment: fetch N URLs (a base URL plus 10 random distinct
// lowercase letters) with at most C requests in flight, in one of five concurrency
// styles, and measure how close the time gets to the limit ceil(N/C) x delay. The same
// crawlers also fetch a fixed URL N times, or a list of URLs (any method, headers and
// body), from any plain-HTTP service.
#include "overlap/failure_kind.hpp"
#include "overlap/hdr_histogram.hpp"
#include "overlap/shard.hpp"
#include "overlap/timeline.hpp"
#include "overlap/tls_options.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace overlap {

enum class crawl_strategy : unsigned char {
  serial,    ///< a blocking client, one request at a time (requests)
  callback,  ///< Asio completion handlers chained (tornado's callbacks)
  stackful,  ///< asio::spawn on Boost.Context + semaphore (gevent)
  curl,      ///< libcurl multi, capped connections, on the Asio loop (tornado + curl)
  coroutine, ///< C++20 coroutines + semaphore + keep-alive session (aiohttp)
};

/// Every strategy, in the order `--strategy all` runs them.
std::span<const crawl_strategy> all_crawl_strategies() noexcept;
std::string_view to_string(crawl_strategy strategy) noexcept;
std::optional<crawl_strategy> parse_crawl_strategy(std::string_view name) noexcept;

/// How far a run has got; given to crawl_options::on_progress.
struct crawl_progress {
  std::size_t done = 0; // requests finished (succeeded or finally failed)
  std::size_t n = 0;
  std::size_t errors = 0; // failed attempts so far
  double seconds = 0;
};

/// One header line sent with every request (`X-Test: 1`).
struct request_header {
  std::string name;
  std::string value;
};

/// An inclusive range of HTTP statuses, e.g. 200-299.
struct status_range {
  int first = 200;
  int last = 299;
};

/// One entry of a URL list: what one request fetches.
struct crawl_target {
  std::string url;    ///< absolute http:// or https:// URL; `{random}` becomes 10 fresh letters (see below)
  std::string method; ///< empty: crawl_options::method
  /// The request body; none: crawl_options::body.
  std::optional<std::string> body;
};

/// The placeholder that a URL may carry: each request replaces it with 10 fresh,
/// distinct lowercase letters (the book's cache-defeating suffix).
inline constexpr std::string_view random_placeholder = "{random}";

struct crawl_options {
  /// `http[s]://host[:port]/path?query`, fetched as written, except that:
  /// - every `{random}` in it becomes 10 fresh random letters per request;
  /// - a URL of the delay server's route (path `/add` with a `delay=` in the query) and
  ///   no `{random}` gets the letters appended, as the book's crawler does.
  /// Ignored when `targets` is not empty.
  std::string base_url;
  /// A URL list (read_url_list): request i fetches targets[i % targets.size()], so each
  /// once in order for n = targets.size(), cycled for a larger n. Hosts may differ:
  /// connections are pooled per (scheme, host, port), `concurrency` caps the total.
  std::vector<crawl_target> targets;
  /// The method of every request whose target does not name its own.
  std::string method = "GET";
  /// Sent with every request (after Host; a `Host` given here replaces the URL's).
  std::vector<request_header> headers;
  /// The body of every request whose target does not carry its own. Content-Length is
  /// sent with a body, and with POST, PUT and PATCH always.
  std::string body;
  /// The statuses that count as success; any other answer is a `status` failure.
  /// Redirects are not followed: a 3xx is an answer like any other.
  std::vector<status_range> ok_statuses{status_range{200, 299}};
  /// Stop starting requests this long after the first one started (those in flight
  /// finish); the result counts what was started. Unset: run all n. With a rate, the
  /// requests due before the duration is over are made (duration x rate of them).
  std::optional<std::chrono::milliseconds> duration;
  /// The open model (wrk2, vegeta): requests per second for the whole run. Request i is
  /// due at t0 + i / rate whatever the answers do; `concurrency` still caps the
  /// requests in flight, and a request that finds no free connection waits, its wait
  /// counted in its corrected latency (from when it was due). Unset: the closed model
  /// (the next request starts when one ends), as the book's crawlers do.
  std::optional<double> rate;
  crawl_strategy strategy = crawl_strategy::coroutine;
  std::size_t n = 1000;
  std::size_t concurrency = 100;
  /// The server's delay, for the limit ceil(n / concurrency) x delay only. Unset: the
  /// base URL's `delay=` if it has one, else unknown (the result then has no limit).
  /// Set and different from the URL's `delay=`: validate_crawl_options refuses it.
  std::optional<std::chrono::milliseconds> delay;
  /// Per attempt: connect (if needed), write and read the whole answer.
  std::chrono::milliseconds timeout{10'000};
  /// Further attempts after a failure, paused as retry_policy says (50 ms doubling,
  /// at most 1 s; longer if a 429 or 503 answer's Retry-After asks, up to 10 s). Only
  /// what may succeed later is retried: no answer, 408, 429 and 5xx but 501 and 505.
  unsigned retries = 2;
  bool keep_alive = true;
  /// For https:// URLs: how the server's certificate is checked.
  tls_client_options tls;
  bool record_timeline = false;
  std::uint64_t seed = 0; // of the URL suffixes; 0 picks one at random
  /// Called from the crawling thread at most twice a second, first after 2 s.
  std::function<void(const crawl_progress&)> on_progress;
  /// Asked on the crawling thread before each request starts; once it returns true no
  /// further request starts, those in flight finish (with their retries), and the
  /// result is marked interrupted. Must be cheap and thread-safe (e.g. an atomic load).
  std::function<bool()> stop_requested;
  /// Wait until this wall-clock time before the first request (after every host is
  /// resolved), asking stop_requested meanwhile: shards started independently, on
  /// other hosts too, begin together. Unset or past: start at once.
  std::optional<std::chrono::system_clock::time_point> start_at;
};

/// Percentiles of a latency histogram, in milliseconds.
struct latency_summary {
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  /// None in files written before they were kept.
  std::optional<double> p99_9_ms;
  std::optional<double> p99_99_ms;
};
/// The summary of `h` (its percentiles within 0.1%, the exact maximum).
latency_summary summary_of(const hdr_histogram& h);

/// What only an open-model run (crawl_options::rate) measures.
struct open_model_result {
  double rate = 0; ///< offered, requests per second
  /// (sent - 1) / (last send - first send): the rate the generator actually kept. None
  /// with fewer than two requests.
  std::optional<double> achieved_rate;
  /// Per request, from when it was due to its end: what a population of users that does
  /// not wait for the server would have seen. Named first: it is the honest one.
  latency_summary corrected;
  hdr_histogram corrected_histogram;
  /// Per request, from when a connection was free for it (its due time, or later when
  /// `concurrency` were in flight) to when it was sent: the generator's own delay.
  hdr_histogram lateness_histogram;
  /// Requests sent more than 1 ms after a connection was free for them: a slow client.
  std::size_t late_starts = 0;
  /// Requests that found `concurrency` requests in flight when due and waited.
  std::size_t queued = 0;
  /// Requests sent in each second of the run, from the first due time.
  std::vector<std::size_t> sent_per_second;
};

/// The highest rate a crawl takes (requests per second): a request due every 100 ns or
/// sooner is beyond any generator, surely a typo.
inline constexpr double max_crawl_rate = 1e7;

/// Requests sent later than this after a connection was free for them count as late.
inline constexpr std::chrono::microseconds late_start_threshold{1000};

/// One run's outcome. Memory does not grow with n, except `timeline` when asked for.
struct crawl_result {
  crawl_strategy strategy = crawl_strategy::coroutine;
  std::size_t n = 0;                              // requests made: fewer than asked for when interrupted
  std::size_t concurrency = 0;                    // 1 for the serial strategy, whatever was asked
  std::optional<std::chrono::milliseconds> delay; // unknown when neither options nor URL said
  std::uint64_t result = 0;                       // the sum of the body lengths of the successful answers
  double seconds = 0;                             // from the first request's start to the last one's end
  std::size_t succeeded = 0;
  std::size_t failed = 0;          // requests that failed on their last attempt
  failure_counts errors_by_kind{}; // every failed attempt, by kind
  std::size_t retries = 0;         // attempts beyond each request's first
  std::size_t connections = 0;     // connections opened
  /// Per request, from its first attempt's send to its end (uncorrected: what a closed-
  /// model tool such as wrk reports), and the histogram it comes from.
  latency_summary latency;
  hdr_histogram latency_histogram;
  /// Open-model runs only: the offered and achieved rate, corrected latency, lateness.
  std::optional<open_model_result> open_model;
  bool extrapolated = false; // seconds scaled up from a shorter run (see extrapolate)
  bool interrupted = false;  // stop_requested ended the run before n requests
  bool timed = false;        // options.duration ended the run (n is what started)
  /// The HTTP status of each request that finally failed with an answer, by status.
  std::map<int, std::size_t> failed_statuses;
  /// Every request's final answer by status (succeeded or failed); requests that got
  /// no answer are not in it.
  std::map<int, std::size_t> statuses;
  /// For a run with https:// endpoints: its TLS handshakes, full and resumed, and the
  /// failed ones (each also counted as a `tls` failure) with the first one's reason.
  std::optional<tls_handshake_counts> tls;
  std::vector<request_span> timeline; // when options.record_timeline, in completion order
  /// Seconds since the Unix epoch when the run started (after options.start_at); 0 in
  /// files written before it was kept.
  double started_at = 0;
  /// A shard's result (crawl_shards.hpp): which shard, of which whole run.
  std::optional<shard_run> shard;
  /// A merged result (merge_crawl_results): each shard's part, by index.
  std::vector<shard_outcome> shards;

  /// overlap::limit_seconds of this run, and in a paced run at least (n - 1) / rate +
  /// delay (the last request is due then); none when the delay is unknown.
  std::optional<double> limit_seconds() const noexcept;
  /// limit / seconds (1 is perfect); none without a limit or without a successful request.
  std::optional<double> efficiency() const noexcept;
  /// n / seconds; none without a successful request.
  std::optional<double> requests_per_second() const noexcept;
  std::size_t errors() const noexcept;
};

/// ceil(n / concurrency) x delay in seconds: the least time n requests of `delay` each
/// take with at most `concurrency` in flight (the book's limit). 0 when concurrency is 0.
double limit_seconds(std::size_t n, std::size_t concurrency, std::chrono::milliseconds delay) noexcept;

/// The `delay=` query value of a base URL in milliseconds, if it has a valid one.
std::optional<std::chrono::milliseconds> delay_in_url(std::string_view base_url) noexcept;

/// Throws std::invalid_argument, with a one-line reason, for options run_crawl
/// refuses: a URL (base or target) that is not an absolute http:// or https:// URL, a
/// CA file (tls.ca_file) that does not load, n or concurrency 0, a timeout, duration
/// or rate that is not positive (or a rate above 10^7 per second), a negative delay, a delay that disagrees with the
/// base URL's `delay=`, a bad method or header, an empty or inverted status range.
void validate_crawl_options(const crawl_options& options);

/// Runs one crawl on the calling thread and returns when every request has finished.
/// No request's failure aborts the run; failures are counted in the result. Throws
/// what validate_crawl_options throws, and std::invalid_argument naming the host if a
/// host cannot be resolved (every host is resolved once, before the first request).
crawl_result run_crawl(const crawl_options& options);

/// `Name: value` (spaces around the value dropped); throws std::invalid_argument
/// without a colon, with an empty or invalid name, or for a header the crawler sets
/// itself (Content-Length, Transfer-Encoding).
request_header parse_request_header(std::string_view line);

/// "200-399", "200,204,301-308": throws std::invalid_argument with a one-line reason
/// for anything else (statuses from 100 to 599, ranges not inverted).
std::vector<status_range> parse_status_ranges(std::string_view text);
bool status_in(std::span<const status_range> ranges, int status) noexcept;

/// Reads a URL list: one target per line, `[METHOD] URL [@BODY_FILE]`; blank lines and
/// lines starting with `#` are skipped. A relative BODY_FILE is found beside the list.
/// Throws std::invalid_argument "FILE:LINE: reason" for a bad line, a missing or empty
/// file or an unreadable body file.
std::vector<crawl_target> read_url_list(const std::string& path);

/// The whole of the file at `path` (a request body, a URL list); throws
/// std::invalid_argument "cannot read WHAT 'PATH'" if it cannot be opened.
std::string read_whole_file(const std::string& path, std::string_view what);

/// The URL list in `text` (see read_url_list); body files are read through
/// `read_body(name)`, which throws std::invalid_argument if it cannot. `source` names
/// the list in messages.
std::vector<crawl_target> parse_url_list(std::string_view text, std::string_view source,
                                         const std::function<std::string(const std::string&)>& read_body);

/// The result of `measured` (a run of fewer requests) scaled to `n` requests, as
/// the book reports the serial crawler: seconds, counts and the result scale by
/// n / measured.n; latencies stay; marked extrapolated.
crawl_result extrapolate(const crawl_result& measured, std::size_t n);

} // namespace overlap
