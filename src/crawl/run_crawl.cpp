// run_crawl: checks the options, prepares the shared job and hands it to a strategy.
#include "overlap/crawl.hpp"

#include "crawl/crawl_job.hpp"
#include "http/request_text.hpp"
#include "http/tls_client.hpp"
#include "http/url.hpp"
#include "overlap/wall_clock.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace overlap {

namespace {

constexpr std::array<crawl_strategy, 5> strategies{crawl_strategy::serial, crawl_strategy::callback,
                                                   crawl_strategy::stackful, crawl_strategy::curl,
                                                   crawl_strategy::coroutine};
constexpr std::array<std::string_view, 5> strategy_names{"serial", "callback", "stackful", "curl", "coroutine"};

/// Resolves every endpoint once, before the run: a host that does not resolve is a
/// usage problem, not N failures.
std::vector<crawl::crawl_endpoint> resolve_all(const crawl::request_source& requests) {
  boost::asio::io_context ctx;
  boost::asio::ip::tcp::resolver resolver(ctx);
  std::vector<crawl::crawl_endpoint> endpoints;
  for (const auto& key : requests.endpoints()) {
    boost::system::error_code ec;
    const auto results = resolver.resolve(key.host, std::to_string(key.port), ec);
    if (ec) {
      throw std::invalid_argument("cannot resolve host '" + key.host + "': " + ec.message());
    }
    const auto v4 = std::find_if(results.begin(), results.end(),
                                 [](const auto& entry) { return entry.endpoint().address().is_v4(); });
    if (v4 == results.end()) {
      throw std::invalid_argument("host '" + key.host + "' has no IPv4 address"); // the crawlers open IPv4 sockets
    }
    const auto host_header = http::host_header_for(key.host, key.port);
    endpoints.push_back({key, v4->endpoint(), requests.host_given() ? std::string() : host_header,
                         std::string(key.tls ? "https://" : "http://") + host_header});
  }
  return endpoints;
}

/// Waits until options.start_at in slices of at most 50 ms, so that a stop request
/// (SIGINT) during a long wait is noticed; the run then starts nothing.
void wait_for_start(const crawl_options& options) {
  if (!options.start_at) {
    return;
  }
  using clock = std::chrono::system_clock;
  while (clock::now() < *options.start_at) {
    if (options.stop_requested && options.stop_requested()) {
      return;
    }
    std::this_thread::sleep_until(std::min(*options.start_at, clock::now() + std::chrono::milliseconds(50)));
  }
}

} // namespace

namespace {
/// The delay the delay server's URL asks for; nothing for any other target (whose
/// delay cannot be known: the run then has no limit).
std::optional<std::chrono::milliseconds> delay_of_target(const crawl_options& options) {
  if (!options.targets.empty() || !crawl::is_delay_server_url(options.base_url)) {
    return std::nullopt;
  }
  return delay_in_url(options.base_url);
}
} // namespace

std::span<const crawl_strategy> all_crawl_strategies() noexcept { return strategies; }

std::string_view to_string(crawl_strategy strategy) noexcept {
  return strategy_names[static_cast<std::size_t>(strategy)];
}

std::optional<crawl_strategy> parse_crawl_strategy(std::string_view name) noexcept {
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    if (strategy_names[i] == name) {
      return strategies[i];
    }
  }
  return std::nullopt;
}

double limit_seconds(std::size_t n, std::size_t concurrency, std::chrono::milliseconds delay) noexcept {
  if (concurrency == 0) {
    return 0;
  }
  const auto rounds = (n + concurrency - 1) / concurrency;
  return static_cast<double>(rounds) * std::chrono::duration<double>(delay).count();
}

std::optional<double> crawl_result::limit_seconds() const noexcept {
  if (!delay) {
    return std::nullopt;
  }
  const double closed = overlap::limit_seconds(n, concurrency, *delay);
  if (!open_model || n == 0) {
    return closed;
  }
  // Paced: the last request is not even due before (n - 1) / rate.
  const double paced = static_cast<double>(n - 1) / open_model->rate + std::chrono::duration<double>(*delay).count();
  return std::max(closed, paced);
}

std::optional<double> crawl_result::efficiency() const noexcept {
  const auto limit = limit_seconds();
  if (!limit || succeeded == 0 || seconds <= 0) {
    return std::nullopt;
  }
  return *limit / seconds;
}

std::optional<double> crawl_result::requests_per_second() const noexcept {
  if (succeeded == 0 || seconds <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(n) / seconds;
}

std::size_t crawl_result::errors() const noexcept {
  std::size_t total = 0;
  for (auto count : errors_by_kind) {
    total += count;
  }
  return total;
}

std::optional<std::chrono::milliseconds> delay_in_url(std::string_view base_url) noexcept {
  long long delay_ms = 0;
  std::string url(base_url);
  for (auto at = url.find(random_placeholder); at != std::string::npos; at = url.find(random_placeholder, at)) {
    url.erase(at, random_placeholder.size());
  }
  if (http::delay_in_url(url, delay_ms)) {
    return std::chrono::milliseconds(delay_ms);
  }
  return std::nullopt;
}

void validate_crawl_options(const crawl_options& options) {
  if (options.n == 0 || options.concurrency == 0) {
    throw std::invalid_argument("n and concurrency must be at least 1");
  }
  if (options.timeout.count() <= 0 || (options.delay && options.delay->count() < 0)) {
    throw std::invalid_argument("the timeout must be positive and the delay not negative");
  }
  if (options.duration && options.duration->count() <= 0) {
    throw std::invalid_argument("the duration must be positive");
  }
  if (options.rate && !(*options.rate > 0 && *options.rate <= max_crawl_rate)) {
    throw std::invalid_argument("the rate must be a number of requests per second above 0 and at most 10000000");
  }
  if (!options.tls.ca_file.empty()) {
    http::tls_client check(options.tls); // throws if the CA file does not load
  }
  if (options.ok_statuses.empty()) {
    throw std::invalid_argument("no status counts as success: give at least one range");
  }
  for (const auto& r : options.ok_statuses) {
    if (r.first < 100 || r.last > 599 || r.last < r.first) {
      throw std::invalid_argument("status range " + std::to_string(r.first) + "-" + std::to_string(r.last) +
                                  " is not within 100-599");
    }
  }
  for (const auto& h : options.headers) {
    parse_request_header(h.name + ": " + h.value);
  }
  crawl::request_source{options}; // every URL and method, as the run will take them
  const auto in_url = delay_of_target(options);
  if (options.delay && in_url && *options.delay != *in_url) {
    throw std::invalid_argument("the delay " + std::to_string(options.delay->count()) +
                                " ms disagrees with the URL's delay=" + std::to_string(in_url->count()));
  }
}

crawl_result run_crawl(const crawl_options& asked) {
  validate_crawl_options(asked);
  crawl_options options = asked;
  if (!options.delay) {
    options.delay = delay_of_target(options); // the limit uses the delay server's delay when its URL says
  }
  if (options.strategy == crawl_strategy::serial) {
    options.concurrency = 1; // one request at a time, whatever was asked: its limit is n x delay
  }
  crawl::request_source requests(options);
  auto endpoints = resolve_all(requests);
  crawl::crawl_job job(options, std::move(requests), std::move(endpoints));
  wait_for_start(options);
  const double started_at = epoch_seconds_now();
  switch (options.strategy) {
  case crawl_strategy::serial: crawl::crawl_serial(job); break;
  case crawl_strategy::callback: crawl::crawl_callback(job); break;
  case crawl_strategy::stackful: crawl::crawl_stackful(job); break;
  case crawl_strategy::curl: crawl::crawl_curl(job); break;
  case crawl_strategy::coroutine: crawl::crawl_coroutine(job); break;
  }
  auto result = job.accounting.take_result(job.connections_opened);
  result.started_at = started_at;
  if (job.tls) {
    result.tls = job.tls_counts ? *job.tls_counts : job.tls->counts();
  }
  return result;
}

crawl_result extrapolate(const crawl_result& measured, std::size_t n) {
  crawl_result r = measured;
  if (measured.n == 0 || n == measured.n) {
    return r;
  }
  const double scale = static_cast<double>(n) / static_cast<double>(measured.n);
  auto scaled = [scale](auto count) {
    return static_cast<decltype(count)>(std::llround(static_cast<double>(count) * scale));
  };
  r.n = n;
  r.seconds = measured.seconds * scale;
  r.result = scaled(measured.result);
  r.succeeded = scaled(measured.succeeded);
  r.failed = scaled(measured.failed);
  for (auto& count : r.errors_by_kind) {
    count = scaled(count);
  }
  r.retries = scaled(measured.retries);
  r.extrapolated = true;
  r.timeline.clear();
  return r;
}

} // namespace overlap
