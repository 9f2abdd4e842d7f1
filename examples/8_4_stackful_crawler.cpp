// Example 8-4: the gevent crawler as stackful coroutines. asio::spawn runs each request
// on its own small stack (Boost.Context), so `download` reads like the blocking code of
// 8-3, as gevent's monkey-patched sockets do, yet each wait suspends only that stack.
// A semaphore of 100 caps the requests in flight (gevent's Semaphore(100)), and the sum
// is taken as requests complete (gevent.iwait). Notice: all n coroutines start at once
// and the first 100 hold the semaphore; the rest wait on it, not on the network (the
// pause at request 100 in Figure 8-4).
#include "crawl_setup.hpp"

#include <overlap/async_semaphore.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

/// The book's download(url, semaphore): holds a unit of the semaphore while it fetches.
std::size_t download(const book::url_parts& url, const asio::ip::tcp::resolver::results_type& endpoints,
                     overlap::async_semaphore& semaphore, const asio::yield_context& yield) {
  semaphore.async_acquire(yield);              // `with semaphore:` ...
  overlap::semaphore_permit permit(semaphore); // ... released however this returns
  beast::tcp_stream stream(yield.get_executor());
  stream.expires_after(std::chrono::seconds(10));
  stream.async_connect(endpoints, yield);
  http::request<http::empty_body> request(http::verb::get, url.target, 11);
  request.set(http::field::host, url.host);
  http::async_write(stream, request, yield);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::async_read(stream, buffer, response, yield);
  if (response.result() != http::status::ok) {
    throw std::runtime_error(url.target + " answered " + std::to_string(response.result_int()));
  }
  return response.body().size();
}

int main(int argc, char** argv) try {
  const auto setup = book::parse_crawl_args(argc, argv, "gevent");
  const auto base = *book::split_url(setup.base_url);
  asio::io_context ioc;
  const auto endpoints = asio::ip::tcp::resolver(ioc).resolve(base.host, std::to_string(base.port));
  overlap::async_semaphore semaphore(ioc.get_executor(), 100);
  std::uint64_t response_size = 0;
  std::exception_ptr first_failure; // kept, and rethrown once every request has ended

  const auto start = std::chrono::steady_clock::now();
  const asio::any_io_executor executor = ioc.get_executor();
  for (const auto& url : book::generate_urls(setup.base_url, setup.n)) {
    asio::spawn(
        executor,
        [&, url = *book::split_url(url)](const asio::yield_context& yield) {
          return download(url, endpoints, semaphore, yield);
        },
        [&](std::exception_ptr failure, std::size_t size) { // as each one completes: gevent.iwait
          response_size += size;
          first_failure = first_failure ? first_failure : failure;
        });
  }
  ioc.run();
  if (first_failure) {
    std::rethrow_exception(first_failure);
  }
  book::print_result(response_size, start);
} catch (const std::exception& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
