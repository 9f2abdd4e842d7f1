// Example 8-5: the tornado crawler (CurlAsyncHTTPClient with max_clients=100) as
// libcurl's multi interface. Every URL is handed to curl at once; curl opens at most
// 100 connections (CURLMOPT_MAX_TOTAL_CONNECTIONS) and keeps the other transfers
// pending until a connection frees, so the client's pool, not a semaphore, bounds the
// concurrency. One thread drives them all: perform, wait for any socket
// (curl_multi_poll), take the transfers that finished, in completion order.
// Notice the ragged start of Figure 8-5: requests start as connections free up.
#include "crawl_setup.hpp"

#include <curl/curl.h>

/// CURLOPT_WRITEFUNCTION: the body is only counted, into the transfer's counter.
std::size_t count_bytes(char*, std::size_t size, std::size_t count, void* received) {
  *static_cast<std::size_t*>(received) += size * count;
  return size * count;
}

int main(int argc, char** argv) {
  const auto setup = book::parse_crawl_args(argc, argv, "tornado");
  const auto urls = book::generate_urls(setup.base_url, setup.n);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 100L);

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::size_t> received(urls.size());
  for (std::size_t i = 0; i < urls.size(); ++i) {
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, urls[i].c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &received[i]);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &received[i]); // to find the count when it is done
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10'000L);
    curl_multi_add_handle(multi, easy);
  }
  std::uint64_t response_sum = 0;
  std::size_t failed = 0;
  for (int running = 1; running > 0;) {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* done = curl_multi_info_read(multi, &queued)) {
      if (done->msg != CURLMSG_DONE) {
        continue;
      }
      long status = 0;
      curl_easy_getinfo(done->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      void* bytes = nullptr;
      curl_easy_getinfo(done->easy_handle, CURLINFO_PRIVATE, &bytes);
      response_sum += *static_cast<std::size_t*>(bytes);
      failed += done->data.result != CURLE_OK || status != 200 ? 1 : 0;
      curl_multi_remove_handle(multi, done->easy_handle);
      curl_easy_cleanup(done->easy_handle);
    }
    if (running > 0) {
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr); // until a socket is ready or curl's timer
    }
  }
  curl_multi_cleanup(multi);
  curl_global_cleanup();
  if (failed > 0) {
    std::fprintf(stderr, "%zu requests failed\n", failed);
    return 1;
  }
  book::print_result(response_sum, start);
}
