// Example 8-6: the aiohttp crawler as C++20 coroutines. One keep-alive session shares
// its pooled connections among all requests (aiohttp's ClientSession), a semaphore of
// 100 caps the requests in flight (asyncio.Semaphore(100)), and the answers are summed
// as they complete (asyncio.as_completed). Notice: `co_await` marks every point where
// a request may pause and let the others run; between two of them, nothing else runs,
// so `response_sum` needs no lock. Like the book, all n tasks exist from the start,
// most waiting on the semaphore (`overlap crawl` creates each when a unit frees).
#include "crawl_setup.hpp"

#include <overlap/as_completed.hpp>
#include <overlap/async_semaphore.hpp>
#include <overlap/http_session.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace asio = boost::asio;

/// The book's http_get: holds a unit of the semaphore for the whole exchange.
asio::awaitable<overlap::http_response> http_get(std::string target, overlap::http_session& session,
                                                 overlap::async_semaphore& semaphore) {
  co_await semaphore.async_acquire(asio::use_awaitable); // `async with semaphore:` ...
  overlap::semaphore_permit permit(semaphore);           // ... released however this ends
  co_return co_await session.get(target);
}

asio::awaitable<std::uint64_t> run_experiment(std::string base_url, std::size_t num_iter) {
  const auto executor = co_await asio::this_coro::executor;
  const auto base = *book::split_url(base_url);
  overlap::http_session session(executor, {.host = base.host, .port = base.port, .max_connections = 100});
  overlap::async_semaphore semaphore(executor, 100);
  overlap::as_completed<overlap::http_response> tasks(executor);
  for (const auto& url : book::generate_urls(base_url, num_iter)) {
    tasks.add(http_get(book::split_url(url)->target, session, semaphore));
  }
  std::uint64_t response_sum = 0;
  std::size_t failed = 0;
  while (auto response = co_await tasks.next()) {
    response_sum += response->succeeded() ? response->body.size() : 0;
    failed += response->succeeded() ? 0 : 1;
  }
  if (failed > 0) {
    throw std::runtime_error(std::to_string(failed) + " requests failed");
  }
  co_return response_sum;
}

int main(int argc, char** argv) try {
  const auto setup = book::parse_crawl_args(argc, argv, "aiohttp");
  asio::io_context loop;
  std::uint64_t result = 0;
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(loop, run_experiment(setup.base_url, setup.n), [&](std::exception_ptr failure, std::uint64_t sum) {
    if (failure) {
      std::rethrow_exception(failure); // out of loop.run(), to the catch below
    }
    result = sum;
  });
  loop.run();
  book::print_result(result, start);
} catch (const std::exception& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
