#pragma once
// What the crawler examples (8-3 to 8-6) share, kept here so each of them shows only
// its concurrency style: the command line `[n [base_url]]`, the embedded delay server,
// the book's URLs and the book's last line. Only liboverlap's public headers.
#include <overlap/delay_server.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace book {

/// "http://host[:port]/target" taken apart.
struct url_parts {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";
};

/// Splits an http:// URL; nothing if it is not one (the examples need no more).
inline std::optional<url_parts> split_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    return std::nullopt;
  }
  const auto slash = url.find('/', scheme.size());
  url_parts parts{url.substr(scheme.size(), slash - scheme.size())};
  if (slash != std::string::npos) {
    parts.target = url.substr(slash);
  }
  if (const auto colon = parts.host.rfind(':'); colon != std::string::npos) {
    const char* first = parts.host.data() + colon + 1;
    const char* last = parts.host.data() + parts.host.size();
    if (auto [end, ec] = std::from_chars(first, last, parts.port); ec != std::errc() || end != last) {
      return std::nullopt;
    }
    parts.host.resize(colon);
  }
  return parts.host.empty() ? std::nullopt : std::optional(parts);
}

struct crawl_setup {
  std::size_t n = 50;
  std::string base_url;                          // each URL is this plus 10 letters
  std::unique_ptr<overlap::delay_server> server; // the embedded one, when no URL was given
};

/// `program [n [base_url]]`. Without a base URL, starts a delay server on a free port
/// and crawls `/add?name=<name>&delay=50&`. Bad arguments: one line on stderr, exit 2.
inline crawl_setup parse_crawl_args(int argc, char** argv, const char* name) {
  crawl_setup setup;
  const std::string n_text = argc > 1 ? argv[1] : "50";
  const auto [end, ec] = std::from_chars(n_text.data(), n_text.data() + n_text.size(), setup.n);
  if (argc > 3 || ec != std::errc() || end != n_text.data() + n_text.size() || setup.n == 0 ||
      (argc > 2 && !split_url(argv[2]))) {
    std::fprintf(stderr, "usage: %s [n [http://host:port/add?name=x&delay=50&]]\n", argv[0]);
    std::exit(2);
  }
  if (argc > 2) {
    setup.base_url = argv[2];
  } else {
    setup.server = std::make_unique<overlap::delay_server>(overlap::delay_server_options{.port = 0});
    setup.server->start();
    setup.base_url = setup.server->base_url() + "/add?name=" + name + "&delay=50&";
  }
  return setup;
}

/// The book's generate_urls: the base plus 10 distinct random lowercase letters each,
/// so that no cache between the crawler and the server can answer in its place.
inline std::vector<std::string> generate_urls(const std::string& base_url, std::size_t n) {
  std::mt19937_64 random(std::random_device{}());
  std::string letters = "abcdefghijklmnopqrstuvwxyz";
  std::vector<std::string> urls;
  urls.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::shuffle(letters.begin(), letters.end(), random);
    urls.push_back(base_url + letters.substr(0, 10));
  }
  return urls;
}

/// The book's last line: the sum of the answers' lengths and the seconds it took.
inline void print_result(std::uint64_t result, std::chrono::steady_clock::time_point start) {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("Result: %llu, Time: %.3f\n", static_cast<unsigned long long>(result), elapsed.count());
}

} // namespace book
