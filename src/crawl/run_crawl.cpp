// run_crawl: checks the options, prepares the shared job and hands it to a strategy.
#include "overlap/crawl.hpp"

#include "crawl/crawl_job.hpp"
#include "record/json_text.hpp"

#include <boost/asio/io_context.hpp>

#include <array>
#include <cmath>
#include <stdexcept>

namespace overlap {

namespace {

constexpr std::array<crawl_strategy, 5> strategies{crawl_strategy::serial, crawl_strategy::callback,
                                                   crawl_strategy::stackful, crawl_strategy::curl,
                                                   crawl_strategy::coroutine};
constexpr std::array<std::string_view, 5> strategy_names{"serial", "callback", "stackful", "curl", "coroutine"};

boost::asio::ip::tcp::endpoint resolve(const crawl::http_base& base) {
  boost::asio::io_context ctx;
  boost::asio::ip::tcp::resolver resolver(ctx);
  const auto results = resolver.resolve(base.host, std::to_string(base.port));
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) {
      return entry.endpoint(); // the crawlers open IPv4 sockets
    }
  }
  throw std::invalid_argument("host '" + base.host + "' has no IPv4 address");
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

double crawl_result::limit_seconds() const noexcept {
  if (concurrency == 0) {
    return 0;
  }
  const auto rounds = (n + concurrency - 1) / concurrency;
  return static_cast<double>(rounds) * std::chrono::duration<double>(delay).count();
}

double crawl_result::efficiency() const noexcept { return seconds > 0 ? limit_seconds() / seconds : 0; }

double crawl_result::requests_per_second() const noexcept { return seconds > 0 ? static_cast<double>(n) / seconds : 0; }

std::size_t crawl_result::errors() const noexcept {
  std::size_t total = 0;
  for (auto count : errors_by_kind) {
    total += count;
  }
  return total;
}

std::optional<std::chrono::milliseconds> delay_in_url(std::string_view base_url) noexcept {
  long long delay_ms = 0;
  if (crawl::delay_in_url(base_url, delay_ms)) {
    return std::chrono::milliseconds(delay_ms);
  }
  return std::nullopt;
}

void validate_crawl_options(const crawl_options& options) {
  if (options.n == 0 || options.concurrency == 0) {
    throw std::invalid_argument("n and concurrency must be at least 1");
  }
  if (options.timeout.count() <= 0 || options.delay.count() < 0) {
    throw std::invalid_argument("the timeout must be positive and the delay not negative");
  }
  crawl::parse_http_base(options.base_url);
}

crawl_result run_crawl(const crawl_options& options) {
  validate_crawl_options(options);
  auto base = crawl::parse_http_base(options.base_url);
  const auto endpoint = resolve(base);
  crawl::crawl_job job(options, std::move(base), endpoint);
  switch (options.strategy) {
  case crawl_strategy::serial: crawl::crawl_serial(job); break;
  case crawl_strategy::callback: crawl::crawl_callback(job); break;
  case crawl_strategy::stackful: crawl::crawl_stackful(job); break;
  case crawl_strategy::curl: crawl::crawl_curl(job); break;
  case crawl_strategy::coroutine: crawl::crawl_coroutine(job); break;
  }
  return job.accounting.take_result(job.connections_opened);
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

std::string crawl_results_json(const run_header& header, std::span<const crawl_result> runs) {
  using record::append_json_number;
  std::string out = "{";
  append_header_fields(out, header, "result");
  out += ",\n \"runs\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    out += i == 0 ? "\n  " : ",\n  ";
    out += "{\"strategy\": \"" + std::string(to_string(r.strategy)) + "\", \"n\": " + std::to_string(r.n) +
           ", \"concurrency\": " + std::to_string(r.concurrency) +
           ", \"delay_ms\": " + std::to_string(r.delay.count()) + ", \"result\": " + std::to_string(r.result) +
           ", \"seconds\": ";
    append_json_number(out, r.seconds);
    out += ", \"limit_seconds\": ";
    append_json_number(out, r.limit_seconds());
    out += ", \"efficiency\": ";
    append_json_number(out, r.efficiency());
    out += ", \"requests_per_second\": ";
    append_json_number(out, r.requests_per_second());
    out += std::string(", \"extrapolated\": ") + (r.extrapolated ? "true" : "false");
    out += ", \"succeeded\": " + std::to_string(r.succeeded) + ", \"failed\": " + std::to_string(r.failed);
    out += ", \"errors\": " + std::to_string(r.errors()) + ", \"errors_by_kind\": {";
    for (auto kind : all_failure_kinds) {
      out += kind == failure_kind::refused ? "\"" : ", \"";
      out += std::string(to_string(kind)) + "\": " + std::to_string(r.errors_by_kind[static_cast<std::size_t>(kind)]);
    }
    out += "}, \"retries\": " + std::to_string(r.retries) + ", \"connections\": " + std::to_string(r.connections);
    out += ", \"latency_ms\": {\"p50\": ";
    append_json_number(out, r.latency.p50_ms);
    out += ", \"p90\": ";
    append_json_number(out, r.latency.p90_ms);
    out += ", \"p99\": ";
    append_json_number(out, r.latency.p99_ms);
    out += ", \"max\": ";
    append_json_number(out, r.latency.max_ms);
    out += "}}";
  }
  out += "]}\n";
  return out;
}

} // namespace overlap
