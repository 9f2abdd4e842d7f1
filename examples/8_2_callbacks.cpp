// Example 8-2: callbacks. Save a value to the database (POST /add, which answers after
// 100 ms) and hand the answer to a callback, every step's continuation passed as an
// Asio completion handler: connect, then write, then read, then the caller's callback.
// Notice the nesting ("callback hell"): each step lives inside the previous one's
// handler, errors must be checked at every level, and the state the steps share
// (stream, buffers) is kept alive by a shared_ptr copied into every handler.
#include <overlap/delay_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using callback = std::function<void(const std::string& db_response)>;

/// The book's save_result_to_db: one POST; `done` gets the answer's body, or the error.
void save_result_to_db(asio::io_context& ioc, const asio::ip::tcp::endpoint& db, std::string result, callback done) {
  struct exchange {
    explicit exchange(asio::io_context& ioc) : stream(ioc) {}
    beast::tcp_stream stream;
    http::request<http::string_body> request{http::verb::post, "/add", 11};
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
  };
  auto x = std::make_shared<exchange>(ioc);
  x->request.set(http::field::host, db.address().to_string());
  x->request.body() = std::move(result);
  x->request.prepare_payload();
  x->stream.expires_after(std::chrono::seconds(10)); // one deadline for all three steps
  x->stream.async_connect(db, [x, done](beast::error_code ec) {
    if (ec) {
      return done("error: " + ec.message());
    }
    http::async_write(x->stream, x->request, [x, done](beast::error_code ec, std::size_t) {
      if (ec) {
        return done("error: " + ec.message());
      }
      http::async_read(x->stream, x->buffer, x->response, [x, done](beast::error_code ec, std::size_t) {
        done(ec ? "error: " + ec.message() : x->response.body());
      });
    });
  });
}

void save_value(asio::io_context& ioc, const asio::ip::tcp::endpoint& db, const std::string& value, callback done) {
  std::printf("Saving %s to database\n", value.c_str());
  save_result_to_db(ioc, db, value, std::move(done));
}

void print_response(const std::string& db_response) {
  std::printf("Response from database: %s\n", db_response.c_str());
}

int main(int argc, char** argv) {
  const std::string value = argc > 1 ? argv[1] : "Hello World";
  overlap::delay_server database({.port = 0});
  database.start();
  const asio::ip::tcp::endpoint db(asio::ip::make_address("127.0.0.1"), database.port());

  asio::io_context loop; // eventloop.put(partial(save_value, "Hello World", print_response))
  asio::post(loop, [&] { save_value(loop, db, value, print_response); });
  loop.run();
}
