#pragma once
// What every strategy shares: the options, the target, one URL source, one result
// accounting (counts, latency histogram, optional timeline, progress) and the retry
// policy. Each strategy file only decides how requests are driven.
#include "crawl/url_source.hpp"
#include "overlap/crawl.hpp"
#include "record/latency_histogram.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
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

struct crawl_job {
  crawl_job(const crawl_options& o, http_base b, boost::asio::ip::tcp::endpoint e);

  const crawl_options& options;
  http_base base;
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;
  url_source urls;
  crawl_accounting accounting;
  std::size_t connections_opened = 0;

  /// How long to wait before retry number `attempt` + 1 (attempt counts from 0):
  /// 50 ms doubling, at most 1 s.
  static std::chrono::milliseconds backoff(unsigned attempt) noexcept;
};

/// Each strategy runs the whole job on the calling thread and returns when every
/// request is finished; results go to job.accounting.
void crawl_serial(crawl_job& job);
void crawl_callback(crawl_job& job);
void crawl_stackful(crawl_job& job);
void crawl_curl(crawl_job& job);
void crawl_coroutine(crawl_job& job);

} // namespace overlap::crawl
