// overlap crawl: the book's crawler experiment in every concurrency style, against the
// embedded delay server or any http:// service (one URL or a URL list, any method,
// headers and body), next to the limit ceil(N/C) x delay when the delay is known.
#include "command.hpp"
#include "interrupt.hpp"
#include "latency_text.hpp"
#include "mpi_run.hpp"
#include "output_file.hpp"
#include "progress.hpp"
#include "shard.hpp"
#include "target_server.hpp"
#include "timeline_output.hpp"
#include "usage.hpp"

#include "overlap/crawl.hpp"
#include "overlap/fd_limit.hpp"
#include "overlap/result_files.hpp"
#include "overlap/run_header.hpp"

#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace overlap::cli {

namespace {

// `all` runs the serial strategy on this many requests at most and scales its time up.
constexpr std::size_t serial_sample = 100;
// Descriptors besides the connections: stdio, event loops, timers, the listener.
constexpr std::uint64_t spare_descriptors = 64;

struct crawl_settings {
  std::string url;
  std::size_t n = 1000;
  std::size_t concurrency = 100;
  std::chrono::milliseconds delay{100};
  std::string strategy = "coroutine";
  std::string timeline_file;
  std::string timeline_format;
  std::string json_file;
  std::chrono::milliseconds timeout{10'000};
  unsigned retries = 2;
  bool no_keepalive = false;
  std::uint64_t seed = 0;
  bool delay_given = false;
  std::string urls_file;
  std::string method = "GET";
  std::vector<std::string> headers;
  std::string body;
  std::string body_file;
  std::string ok_status;
  std::chrono::milliseconds duration{0};
  bool n_given = false;
  std::string cacert;
  bool insecure = false;
  double rate = 0; // requests per second; 0: the closed model
  bool rate_given = false;
  bool latency = false;
  shard_settings sharding; // --shard, --start-at
  bool mpi = false;
};

/// What to fetch, read before anything runs: the URL list, the headers, the body.
struct crawl_request {
  std::vector<crawl_target> targets;
  std::vector<request_header> headers;
  std::string body;
  std::vector<status_range> ok_statuses{status_range{200, 299}};
};

crawl_request read_request(const crawl_settings& s) {
  crawl_request r;
  if (!s.urls_file.empty()) {
    r.targets = read_url_list(s.urls_file);
  }
  for (const auto& line : s.headers) {
    r.headers.push_back(parse_request_header(line));
  }
  r.body = s.body_file.empty() ? s.body : read_whole_file(s.body_file, "--body-file");
  if (!s.ok_status.empty()) {
    r.ok_statuses = parse_status_ranges(s.ok_status);
  }
  return r;
}

/// The files asked for, checked before anything runs.
struct crawl_outputs {
  output_file json;
  timeline_output timeline;
};

crawl_outputs check_outputs(const crawl_settings& s) {
  crawl_outputs outputs;
  outputs.timeline = timeline_output(s.timeline_file, s.timeline_format);
  if (!s.json_file.empty()) {
    outputs.json = output_file(s.json_file, "--json");
  }
  if (outputs.json.is_stdout() && outputs.timeline.is_stdout()) {
    throw usage_error("--json and --timeline cannot both be - (standard output)");
  }
  return outputs;
}

std::vector<crawl_strategy> chosen_strategies(const crawl_settings& s) {
  if (s.strategy == "all") {
    const auto all = all_crawl_strategies();
    return {all.begin(), all.end()};
  }
  return {*parse_crawl_strategy(s.strategy)};
}

std::string errors_text(const crawl_result& r) {
  std::string text = std::to_string(r.errors());
  if (r.errors() == 0) {
    return text;
  }
  text += " (";
  bool first = true;
  for (auto kind : all_failure_kinds) {
    const auto count = r.errors_by_kind[static_cast<std::size_t>(kind)];
    if (count > 0) {
      text += (first ? "" : ", ") + std::string(to_string(kind)) + " " + std::to_string(count);
      first = false;
    }
  }
  text += "), retries " + std::to_string(r.retries) + ", failed " + std::to_string(r.failed);
  if (!r.failed_statuses.empty()) {
    text += " (HTTP";
    for (const auto& [status, count] : r.failed_statuses) {
      text += " " + std::to_string(status) + " x" + std::to_string(count);
    }
    text += ")";
  }
  return text;
}

/// An optional figure as printf text; "n/a" when the run has none.
std::string figure(const std::optional<double>& value, const char* format) {
  if (!value) {
    return "n/a";
  }
  char text[32];
  std::snprintf(text, sizeof text, format, *value);
  return text;
}

void print_run(const crawl_result& r) {
  std::printf("Result: %llu, Time: %.4f%s%s\n", static_cast<unsigned long long>(r.result), r.seconds,
              r.extrapolated ? " (extrapolated)" : "", r.interrupted ? " (interrupted)" : "");
  const auto name = to_string(r.strategy);
  const auto delay = r.delay ? std::to_string(r.delay->count()) + " ms" : std::string("unknown");
  const auto limit = r.limit_seconds() ? figure(r.limit_seconds(), "%.3f") + " s" : std::string("n/a");
  // A paced run names the corrected latency (from when each request was due) first.
  const auto& latency = r.open_model ? r.open_model->corrected : r.latency;
  std::printf("%.*s: n=%zu c=%zu delay=%s: %.4f s, limit %s, efficiency %s, %s req/s, "
              "%slatency p50 %.1f p99 %.1f max %.1f ms, %zu connections, errors %s\n",
              static_cast<int>(name.size()), name.data(), r.n, r.concurrency, delay.c_str(), r.seconds, limit.c_str(),
              figure(r.efficiency(), "%.3f").c_str(), figure(r.requests_per_second(), "%.1f").c_str(),
              r.open_model ? "corrected " : "", latency.p50_ms, latency.p99_ms, latency.max_ms, r.connections,
              errors_text(r).c_str());
  print_open_model(r);
  if (!r.statuses.empty()) {
    std::string text;
    for (const auto& [status, count] : r.statuses) {
      text += (text.empty() ? "" : ", ") + std::to_string(status) + ": " + std::to_string(count);
    }
    std::printf("answers by status: %s\n", text.c_str());
  }
  if (r.timed) {
    std::printf("stopped starting requests at --duration; %zu started\n", r.n);
  }
  if (r.tls) {
    std::printf("TLS: %zu handshakes, %zu resumed%s\n", r.tls->handshakes, r.tls->resumed,
                r.tls->failed > 0 ? (", " + std::to_string(r.tls->failed) + " failed: " + r.tls->failure).c_str() : "");
  }
  if (!r.delay) {
    std::printf("limit unknown: the target's delay is not known (only the delay server's URL says it; give "
                "--delay if the target has one)\n");
  }
  std::fflush(stdout);
}

/// The book's Table 8-1, with the limit next to every strategy.
void print_table(const std::vector<crawl_result>& runs) {
  std::printf("\n| strategy   |   seconds |  limit s | efficiency |     req/s | p50 ms | p99 ms |  max ms | errors |\n"
              "|------------|----------:|---------:|-----------:|----------:|-------:|-------:|--------:|-------:|\n");
  bool any_extrapolated = false;
  for (const auto& r : runs) {
    const auto name = std::string(to_string(r.strategy)) + (r.extrapolated ? "*" : "");
    any_extrapolated = any_extrapolated || r.extrapolated;
    const auto& latency = r.open_model ? r.open_model->corrected : r.latency;
    std::printf("| %-10s | %9.3f | %8s | %10s | %9s | %6.1f | %6.1f | %7.1f | %6zu |\n", name.c_str(), r.seconds,
                figure(r.limit_seconds(), "%.3f").c_str(), figure(r.efficiency(), "%.3f").c_str(),
                figure(r.requests_per_second(), "%.1f").c_str(), latency.p50_ms, latency.p99_ms, latency.max_ms,
                r.errors());
  }
  if (!runs.empty() && runs.front().open_model) {
    std::printf("latencies from when each request was due (corrected for coordinated omission)\n");
  }
  if (any_extrapolated) {
    std::printf("* measured on %zu requests and scaled to n, as the book's serial figure\n", serial_sample);
  }
}

/// The embedded server holds one descriptor per connection too: both sides in one
/// process need twice the connections.
void check_descriptors(const crawl_settings& s, bool embedded) {
  const auto limits = raise_fd_limit();
  const std::uint64_t need = (embedded ? 2 : 1) * static_cast<std::uint64_t>(s.concurrency) + spare_descriptors;
  if (limits.soft != 0 && need > limits.soft) {
    throw usage_error(
        "-c " + std::to_string(s.concurrency) + (embedded ? " with the embedded server" : "") + " needs about " +
        std::to_string(need) + " open files but the limit is " + std::to_string(limits.soft) +
        (embedded ? ": run `overlap serve` in another process and pass --url, or lower -c" : ": lower -c"));
  }
}

crawl_options base_options(const crawl_settings& s, crawl_request request) {
  crawl_options o;
  o.base_url = s.url;
  o.targets = std::move(request.targets);
  o.method = s.method;
  o.headers = std::move(request.headers);
  o.body = std::move(request.body);
  o.ok_statuses = std::move(request.ok_statuses);
  if (s.duration.count() > 0) {
    o.duration = s.duration;
  }
  o.n = s.n;
  if (!s.n_given && o.duration) {
    o.n = std::numeric_limits<std::size_t>::max(); // until the duration is over
  } else if (!s.n_given && !o.targets.empty()) {
    o.n = o.targets.size(); // each URL of the list once
  }
  o.concurrency = s.concurrency;
  if ((s.url.empty() && s.urls_file.empty()) || s.delay_given) {
    o.delay = s.delay; // with --url or --urls and no --delay: the delay server URL's delay=, if any
  }
  o.timeout = s.timeout;
  o.retries = s.retries;
  o.keep_alive = !s.no_keepalive;
  o.tls = tls_client_options{.verify = !s.insecure, .ca_file = s.cacert};
  o.record_timeline = !s.timeline_file.empty();
  o.seed = s.seed;
  if (s.rate_given) {
    o.rate = s.rate;
  }
  o.stop_requested = interrupt_guard::hook();
  return o;
}

void write_outputs(const crawl_outputs& outputs, const std::vector<crawl_result>& runs, bool interrupted) {
  auto header = run_header::capture("crawl");
  header.interrupted = interrupted;
  outputs.json.write(result_file_text({header, crawl_results{runs}}));
  if (outputs.timeline.wanted()) {
    std::vector<timeline_run> timelines;
    for (const auto& r : runs) {
      timelines.push_back(timeline_of(r));
    }
    outputs.timeline.write(header, timelines);
  }
}

/// The delay server answers 400 to a delay it cannot read: a --url whose query does
/// not end in '&' has the random letters glued to its last value.
bool letters_glued_to_a_value(const crawl_settings& s, const crawl_result& r) {
  return !s.url.empty() && r.failed_statuses.contains(400) && s.url.find('?') != std::string::npos &&
         !s.url.ends_with('&') && !s.url.ends_with('?');
}

int report_failures(const crawl_settings& s, const std::vector<crawl_result>& runs) {
  int status = 0;
  bool hint = false;
  for (const auto& r : runs) {
    if (r.failed > 0) {
      const auto name = to_string(r.strategy);
      std::fprintf(stderr, "overlap crawl: %.*s: %zu of %zu requests failed after their retries; errors %s\n",
                   static_cast<int>(name.size()), name.data(), r.failed, r.n, errors_text(r).c_str());
      hint = hint || letters_glued_to_a_value(s, r);
      if (r.tls && r.tls->failed > 0) {
        std::fprintf(stderr, "overlap crawl: %.*s: TLS handshake failed: %s%s\n", static_cast<int>(name.size()),
                     name.data(), r.tls->failure.c_str(),
                     r.tls->failure.find("verify") != std::string::npos ? " (--cacert FILE or --insecure)" : "");
      }
      status = 1;
    }
  }
  if (hint) {
    std::fprintf(stderr,
                 "overlap crawl: hint: each request appends 10 letters to --url, so '%s' sends e.g. "
                 "'...%sabcdefghij', which the delay server refuses (400): end --url with '&'\n",
                 s.url.c_str(), s.url.substr(s.url.rfind('=') == std::string::npos ? 0 : s.url.rfind('=')).c_str());
  }
  return status;
}

/// One strategy's run, on `n` requests (fewer for the sampled serial run).
crawl_result run_one(const crawl_settings& s, const crawl_options& options, const target_server& target,
                     crawl_strategy strategy, bool sampled) {
  crawl_options o = options;
  o.strategy = strategy;
  const auto name = std::string(to_string(strategy));
  if (target.embedded()) {
    o.base_url = target.base_url() + "/add?name=" + name + "&delay=" + std::to_string(s.delay.count()) + "&";
  }
  if (sampled) {
    o.n = serial_sample;
  }
  progress_line progress;
  if (progress.enabled()) {
    const auto duration = o.duration;
    o.on_progress = [name, &progress, duration](const crawl_progress& p) {
      if (duration) { // the time is what ends the run: how far into --duration it is
        char text[96];
        std::snprintf(text, sizeof text, "%.1f of %.1f s, ", p.seconds,
                      std::chrono::duration<double>(*duration).count());
        progress.show("  " + name + ": " + text + std::to_string(p.done) + " requests done, " +
                      std::to_string(p.errors) + " errors");
        return;
      }
      progress.show("  " + name + ": " + progress_text(p.done, p.n, p.seconds) + ", " + std::to_string(p.errors) +
                    " errors");
    };
  }
  auto result = run_crawl(o);
  progress.clear();
  if (!sampled || result.interrupted) {
    return result;
  }
  auto scaled = extrapolate(result, options.n);
  scaled.timeline = std::move(result.timeline);
  return scaled;
}

int run_crawl_command(crawl_settings& s) {
  const bool embedded = s.url.empty() && s.urls_file.empty();
  const auto strategies = chosen_strategies(s);
  const auto outputs = check_outputs(s); // a bad output is a usage error before anything runs
  mpi_run mpi(s.mpi);                    // under mpirun: this rank's shard, the common start, the gather
  auto plan = mpi.active() ? mpi.plan(shard_plan::read(s.sharding)) : shard_plan::read(s.sharding);
  if (plan.shard && strategies.size() > 1) {
    throw usage_error("--shard runs one strategy: give --strategy NAME");
  }
  // From here on s names this shard's own URL and files, before any is read.
  plan.fill_in_index(s.url, s.urls_file, s.body_file, s.n_given || s.duration.count() > 0);
  crawl_options whole;
  crawl_options options;
  try {
    whole = base_options(s, read_request(s));
    options = plan.options_for(whole);
    if (!embedded) {
      validate_crawl_options(options);
    }
  } catch (const std::exception& e) {
    if (!mpi.active()) {
      throw;
    }
    // A rank's own list or URL ({shard}) may be the only one at fault: the others
    // wait for it at the gather, which then says which rank failed and why.
    mpi.rank_failed(e.what());
    return mpi.finish({}, outputs.timeline.wanted(),
                      [&](const std::vector<crawl_result>& merged) { write_outputs(outputs, merged, false); });
  }
  check_descriptors(s, embedded);

  const interrupt_guard interrupt;
  target_server target(embedded        ? std::string()
                       : s.url.empty() ? options.targets.front().url
                                       : s.url,
                       delay_server_options{.threads = 1});
  std::vector<crawl_result> runs;
  for (const auto strategy : strategies) {
    if (interrupt_guard::requested()) {
      break;
    }
    // A paced run is not sampled: its queueing grows with its length, so no part scales.
    const bool sampled = strategies.size() > 1 && strategy == crawl_strategy::serial && options.n > serial_sample &&
                         !options.duration && !options.rate;
    try {
      runs.push_back(run_one(s, options, target, strategy, sampled));
    } catch (const std::exception& e) {
      if (!mpi.active()) {
        throw;
      }
      mpi.rank_failed(e.what()); // the other ranks wait for this one's result at the gather
      break;
    }
    plan.mark(whole, runs.back());
    print_run(runs.back());
    if (s.latency) {
      print_latency_spectra(runs.back());
    }
  }
  if (runs.size() > 1) {
    print_table(runs);
  }
  target.stop();
  const bool interrupted = interrupt_guard::requested();
  if (mpi.active()) {
    return mpi.finish(runs, outputs.timeline.wanted(),
                      [&](const std::vector<crawl_result>& merged) { write_outputs(outputs, merged, interrupted); });
  }
  write_outputs(outputs, runs, interrupted);
  const int status = report_failures(s, runs);
  if (interrupted) {
    std::fprintf(stderr, "overlap crawl: interrupted: %zu of %zu strategies ran, the last one in part\n", runs.size(),
                 strategies.size());
    return interrupted_status;
  }
  return status;
}

} // namespace

void print_crawl_run(const crawl_result& run) { print_run(run); }

std::vector<std::string> crawl_strategy_names() {
  std::vector<std::string> names;
  for (auto strategy : all_crawl_strategies()) {
    names.emplace_back(to_string(strategy));
  }
  return names;
}

command add_crawl_command(CLI::App& parent) {
  auto settings = std::make_shared<crawl_settings>();
  auto& s = *settings;
  auto* app = parent.add_subcommand(
      "crawl", "Fetch N URLs with at most C in flight, in one concurrency style or all of them, and compare the "
               "time with the limit ceil(N/C) x delay. Without --url or --urls an embedded delay server is "
               "crawled, as the book does (its URL plus 10 random letters per request).");
  auto* url = app->add_option(
      "--url", s.url,
      "URL to fetch (http:// or https://), as written, N times; each {random} in it becomes 10 fresh random letters. "
      "The delay server's route (path /add with delay= in the query) gets the letters appended, as the book "
      "does: end it with '&'. Without --url or --urls an embedded delay server is crawled at "
      "/add?name=<strategy>&delay=<delay>&");
  app->add_option("--urls", s.urls_file,
                  "File of URLs, one per line as [METHOD] URL [@BODY_FILE] ('#' comments and blank lines skipped), "
                  "visited in order, each once, or cycled to reach -n; hosts may differ (C caps the total)")
      ->excludes(url);
  app->add_option("-m,--method", s.method, "HTTP method of every request (a URL list line may give its own)")
      ->capture_default_str();
  app->add_option("-H,--header", s.headers, "Header sent with every request, 'Name: value' (repeatable)");
  auto* body = app->add_option("--body", s.body, "Request body (Content-Length is sent)");
  app->add_option("--body-file", s.body_file, "Request body read from FILE")->excludes(body);
  app->add_option("--ok-status", s.ok_status,
                  "Statuses that count as success, e.g. 200-399 or 200,204,301-308 (default 200-299); redirects are "
                  "never followed, a 3xx is an answer; a failed status is retried only if 408, 429 or 5xx");
  auto* duration = add_duration_option(
      *app, "--duration", s.duration,
      {.plain_unit = std::chrono::seconds(1), .min = std::chrono::milliseconds(1), .max = std::chrono::hours(24 * 7)},
      "Stop starting requests after this long and report what finished (with or "
      "without -n)");
  duration->default_str("");
  auto* n_option =
      app->add_option("-n", s.n,
                      "Number of requests (default with --urls: the list's length; with --duration: until it is over)")
          ->capture_default_str()
          ->check(whole_number(1, 1'000'000'000));
  app->add_option("-c,--concurrency", s.concurrency, "Requests in flight at most")
      ->capture_default_str()
      ->check(whole_number(1, 1'000'000));
  auto* rate = app->add_option(
      "--rate", s.rate,
      "Requests per second for the whole run (the open model, as wrk2): request i is due at i/RATE whatever the "
      "answers do; a request that finds C in flight waits, and latency is measured from when it was due "
      "(corrected for coordinated omission) as well as from when it was sent");
  app->add_flag("--latency", s.latency,
                "Print the latency percentile spectrum (wrk2's layout, read by HdrHistogram's plotter), corrected "
                "and uncorrected for a paced run");
  auto* delay = add_duration_option(*app, "--delay", s.delay, {.max = std::chrono::hours(1)},
                                    "The server's delay (for the embedded URL and the limit; with a delay server "
                                    "--url, taken from its delay= if not given; other targets have no known delay)");
  auto names = crawl_strategy_names();
  names.emplace_back("all");
  app->add_option("--strategy", s.strategy, "Concurrency style; all runs every one and prints the book's table")
      ->capture_default_str()
      ->check(CLI::IsMember(names));
  app->add_option("--timeline", s.timeline_file,
                  "Write every request's start and end (.csv or .json; - for standard output)");
  app->add_option("--timeline-format", s.timeline_format, "Timeline format instead of the extension's")
      ->check(CLI::IsMember({"csv", "json", "trace"}));
  app->add_option("--json", s.json_file, "Write the results as JSON (read by overlap report; - for standard output)");
  add_duration_option(*app, "--timeout", s.timeout,
                      {.plain_unit = std::chrono::seconds(1), .min = std::chrono::milliseconds(1)},
                      "How long one attempt may take");
  app->add_option("--retries", s.retries,
                  "Further attempts after a failure that may not recur: no answer, 408, 429, 5xx but 501 and 505 "
                  "(backoff 50 ms doubling, at most 1 s; a 429 or 503 answer's Retry-After may lengthen it up to "
                  "10 s)")
      ->capture_default_str()
      ->check(whole_number(0, 100));
  app->add_flag("--no-keepalive", s.no_keepalive, "A new connection for every request");
  app->add_option("--seed", s.seed, "Seed of the random letters in the URLs (0: random)")->capture_default_str();
  app->add_option("--cacert", s.cacert,
                  "https://: trust the certificates in this PEM file instead of the system's store");
  app->add_flag("-k,--insecure", s.insecure, "https://: accept any certificate (still encrypted; not verified)");
  add_shard_options(*app, s.sharding);
  app->add_flag("--mpi", s.mpi,
                "Run as one rank of `mpirun -np K overlap crawl --mpi ...`: each rank runs shard rank/K, all begin "
                "together, rank 0 merges and prints and writes the one result (needs a build with MPI)");
  return {app, [settings, delay, n_option, rate] {
            settings->delay_given = delay->count() > 0;
            settings->n_given = n_option->count() > 0;
            settings->rate_given = rate->count() > 0;
            try {
              return run_crawl_command(*settings);
            } catch (const std::invalid_argument& e) {
              throw usage_error(e.what());
            }
          }};
}

} // namespace overlap::cli
