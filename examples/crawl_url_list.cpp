// Crawling a URL list: the library's run_crawl on any HTTP or HTTPS service, not only
// the book's delay server. The list has one request per line, `[METHOD] URL
// [@BODY_FILE]` (see docs/FORMATS.md), hosts and schemes may differ; each is fetched
// once, in order, with at most C in flight, by the coroutine strategy, and the answers
// are counted by status. https:// servers are verified against the system's store, or
// against CA_FILE (a PEM file) when given; new connections resume TLS sessions.
//
//   crawl_url_list urls.txt [C [CA_FILE]]
#include <overlap/crawl.hpp>

#include <charconv>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string_view>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: crawl_url_list URLS_FILE [CONCURRENCY [CA_FILE]]\n");
    return 2;
  }
  overlap::crawl_options options;
  try {
    options.targets = overlap::read_url_list(argv[1]);
    if (argc >= 3) {
      const std::string_view text = argv[2];
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), options.concurrency);
      if (ec != std::errc{} || end != text.data() + text.size() || options.concurrency == 0) {
        throw std::invalid_argument("CONCURRENCY must be a whole number from 1");
      }
    }
    if (argc == 4) {
      options.tls.ca_file = argv[3];
    }
    options.n = options.targets.size(); // each URL once
    options.strategy = overlap::crawl_strategy::coroutine;
    overlap::validate_crawl_options(options);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "crawl_url_list: %s\n", e.what());
    return 2;
  }
  try {
    const auto r = overlap::run_crawl(options);
    std::printf("%zu requests in %.3f s: %zu succeeded, %zu failed, %llu body bytes\n", r.n, r.seconds, r.succeeded,
                r.failed, static_cast<unsigned long long>(r.result));
    for (const auto& [status, count] : r.statuses) {
      std::printf("  HTTP %d: %zu\n", status, count);
    }
    if (r.tls) {
      std::printf("  TLS: %zu handshakes, %zu resumed%s%s\n", r.tls->handshakes, r.tls->resumed,
                  r.tls->failure.empty() ? "" : ", first failure: ", r.tls->failure.c_str());
    }
    return r.failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crawl_url_list: %s\n", e.what());
    return 2; // an unresolvable host, say: nothing was fetched
  }
}
