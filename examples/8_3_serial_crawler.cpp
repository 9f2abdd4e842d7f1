// Example 8-3: the serial crawler (the book's uses requests). One blocking request at a
// time: connect, write, read, close, then the next URL. Notice the time, n x delay:
// the thread sits in the kernel waiting for almost all of it (Figure 8-2 shows the
// requests end to end, never overlapping). Examples 8-4 to 8-6 overlap those waits.
#include "crawl_setup.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

namespace asio = boost::asio;
namespace http = boost::beast::http;

/// requests.get(url).text: a new connection per request, as requests without a
/// Session. Each call blocks the thread until the whole answer is in. (A real client
/// bounds every call with a deadline; `overlap crawl --strategy serial` does.)
std::string get(asio::io_context& ioc, const book::url_parts& url) {
  asio::ip::tcp::socket socket(ioc);
  asio::connect(socket, asio::ip::tcp::resolver(ioc).resolve(url.host, std::to_string(url.port)));
  http::request<http::empty_body> request(http::verb::get, url.target, 11);
  request.set(http::field::host, url.host);
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  if (response.result() != http::status::ok) {
    throw std::runtime_error(url.target + " answered " + std::to_string(response.result_int()));
  }
  return std::move(response.body());
}

std::uint64_t run_experiment(const std::string& base_url, std::size_t num_iter) {
  asio::io_context ioc;
  std::uint64_t response_size = 0;
  for (const auto& url : book::generate_urls(base_url, num_iter)) {
    response_size += get(ioc, *book::split_url(url)).size();
  }
  return response_size;
}

int main(int argc, char** argv) try {
  const auto setup = book::parse_crawl_args(argc, argv, "serial");
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_experiment(setup.base_url, setup.n);
  book::print_result(result, start);
} catch (const std::exception& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
