#pragma once
// A small HTTP client for tests that talk to a real server on 127.0.0.1.
#include "overlap/delay_server.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace overlap::test {

struct http_reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers; // names in lower case
  bool keep_alive = true;
};

/// One request on a fresh connection. Throws on I/O failure.
http_reply http_request(std::uint16_t port, std::string_view method, std::string_view target,
                        std::string_view body = {}, std::map<std::string, std::string> headers = {});

/// A kept-alive connection for several requests, or for raw bytes.
class http_connection {
public:
  explicit http_connection(std::uint16_t port);
  ~http_connection();
  http_reply request(std::string_view method, std::string_view target, std::string_view body = {});
  void send_raw(std::string_view bytes);
  http_reply read_reply();
  /// Reads until the server closes (true) or `timeout` passes (false).
  bool wait_for_close(std::chrono::milliseconds timeout);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Sends raw bytes and returns everything the server answers until it closes the
/// connection or `timeout` passes.
std::string raw_exchange(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds timeout);

/// What a server answered to raw bytes, and whether it closed the connection (an
/// end of stream or a reset) before `timeout`.
struct raw_reply {
  std::string received;
  bool closed = false;
};

/// As raw_exchange, but a failed write (the server closed early) is not an error,
/// and the reply says whether the server closed the connection.
raw_reply raw_conversation(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds timeout);

/// Connects, sends `bytes`, and drops the connection at once: `abort` resets it (RST),
/// otherwise it is closed normally (FIN).
void send_and_disconnect(std::uint16_t port, std::string_view bytes, bool abort);

/// GETs every target with at most `concurrency` requests in flight, each on its own
/// connection held until answered; returns the replies in target order.
std::vector<http_reply> concurrent_gets(std::uint16_t port, const std::vector<std::string>& targets,
                                        std::size_t concurrency);

/// One POST /add of post_results: its key and body, and what became of it.
struct keyed_post {
  std::string key;
  std::string body;
  int status = 0;        // 0: no answer (never sent, or the connection failed first)
  bool replayed = false; // answered "Idempotent-Replayed: true"
  std::string answer;
};

/// POSTs each item to /add with its Idempotency-Key, at most `concurrency` at once,
/// each worker on one kept-alive connection. A worker whose connection fails stops
/// (its item keeps status 0); `after_each(answered)` runs after every answer. Never
/// throws for I/O errors: a server that dies leaves the rest unanswered.
void post_results(std::uint16_t port, std::vector<keyed_post>& items, std::size_t concurrency,
                  const std::function<void(std::size_t)>& after_each = {});

/// A delay server on 127.0.0.1, port 0, running on its own thread(s) for one test.
class running_server {
public:
  running_server() : running_server(defaults()) {}
  explicit running_server(delay_server_options options);
  ~running_server();
  delay_server& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }

  static delay_server_options defaults();

private:
  std::unique_ptr<delay_server> server_;
};

} // namespace overlap::test
