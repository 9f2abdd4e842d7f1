// Slow clients (slowloris): thousands of connections each sending one header byte a
// second are closed by the header timeout, and meanwhile ordinary requests are
// answered at once. The server runs as a child process: 10,000 client sockets here
// and 10,000 server sockets there would not fit in one process's descriptor limit.
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include "overlap/fd_limit.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t wanted_connections = 10'000;
constexpr std::string_view slow_request = "GET /add?name=slow&delay=0 HTTP/1.1\r\nHost: slow\r\n\r\n";

/// One slow client: a blocking-connected socket that sends its request a byte at a time.
struct slow_client {
  int fd = -1;
  std::size_t sent = 0;
  bool closed = false;
};

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  }
  return fd;
}

/// Sends the client's next byte unless the server has closed the connection.
void next_byte(slow_client& c) {
  char probe = 0;
  const auto n = ::recv(c.fd, &probe, 1, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
    c.closed = true; // end of stream or reset: the server closed it
    ::close(c.fd);
    return;
  }
  if (c.sent < slow_request.size() - 1) { // never the last byte: the header never completes
    if (::send(c.fd, slow_request.data() + c.sent, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
      ++c.sent;
    }
  }
}

double milliseconds(steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

} // namespace

TEST(serve_slow_clients, are_closed_by_the_header_timeout_while_others_are_served) {
  const auto limits = raise_fd_limit();
  const std::size_t count = std::min<std::size_t>(wanted_connections, limits.soft > 200 ? limits.soft - 200 : 0);
  ASSERT_GE(count, 1000U) << "the descriptor limit (" << limits.soft << ") leaves too few for the test";
  server_process server({"--header-timeout-ms", "3000", "--idle-timeout-ms", "3000"});

  std::vector<slow_client> clients(count);
  const auto opening = steady::now();
  for (auto& c : clients) {
    c.fd = connect_to(server.port());
    next_byte(c); // its first byte at once: from here the header timeout runs
  }
  const auto opened = steady::now();

  // Ordinary requests while every slow client is connected.
  std::vector<double> latencies_ms;
  for (int i = 0; i < 20; ++i) {
    const auto before = steady::now();
    EXPECT_EQ(http_request(server.port(), "GET", "/add?name=probe&delay=0").status, 200);
    latencies_ms.push_back(milliseconds(steady::now() - before));
  }
  std::size_t open_during_probes = 0;
  for (auto& c : clients) {
    next_byte(c);
    open_during_probes += c.closed ? 0 : 1;
  }

  // One byte a second each until the server has closed them all (bounded), and an
  // ordinary request right after each round, while the server reads 10,000 bytes.
  std::size_t still_open = count;
  while (still_open > 0 && steady::now() - opened < 30s) {
    std::this_thread::sleep_for(1s);
    still_open = 0;
    for (auto& c : clients) {
      if (!c.closed) {
        next_byte(c);
        still_open += c.closed ? 0 : 1;
      }
    }
    const auto before = steady::now();
    EXPECT_EQ(http_request(server.port(), "GET", "/add?name=probe&delay=0").status, 200);
    latencies_ms.push_back(milliseconds(steady::now() - before));
  }
  const auto all_closed = steady::now();
  for (auto& c : clients) {
    if (!c.closed) {
      ::close(c.fd);
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("%zu slow clients opened in %.0f ms (%zu still open after the first 20 ordinary requests); "
              "%zu ordinary requests meanwhile: median %.2f ms, max %.2f ms; all closed by the server %.1f s "
              "after opening\n",
              count, milliseconds(opened - opening), open_during_probes, latencies_ms.size(),
              latencies_ms[latencies_ms.size() / 2], latencies_ms.back(), milliseconds(all_closed - opened) / 1000);
  EXPECT_EQ(still_open, 0U) << "connections the header timeout did not close";
  EXPECT_GT(open_during_probes, count / 2) << "the probes did not overlap the slow clients";
  EXPECT_EQ(http_request(server.port(), "GET", "/add?name=after&delay=0").status, 200);
  EXPECT_TRUE(server.running()) << "exit status " << server.exit_status() << ", stderr: " << server.stderr_text();
}
