// When accept fails for want of descriptors (EMFILE), the server neither spins nor
// dies: it says so once, waits, and accepts again once descriptors are free.
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <list>
#include <thread>

using namespace overlap::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr std::uint64_t server_fd_limit = 64;
constexpr int clients = 100; // more than the server can hold open

std::size_t occurrences(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

/// Waits (bounded) until the server's stderr holds `what`.
bool wait_for_stderr(const server_process& server, std::string_view what) {
  for (int i = 0; i < 500; ++i) {
    if (server.stderr_text().find(what) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

/// The value of a counter in a /metrics text, or -1 if it is missing.
double metric(const std::string& metrics, const std::string& name) {
  const auto at = metrics.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(metrics.substr(at + name.size() + 2));
}

} // namespace

TEST(serve_out_of_descriptors, says_so_once_does_not_spin_and_accepts_again) {
  server_process server({}, server_fd_limit);
  const auto began = std::chrono::steady_clock::now();
  asio::io_context ioc;
  std::list<asio::ip::tcp::socket> held;
  for (int i = 0; i < clients; ++i) { // the kernel completes each in the backlog
    held.emplace_back(ioc).connect({asio::ip::make_address("127.0.0.1"), server.port()});
  }
  ASSERT_TRUE(wait_for_stderr(server, "cannot accept")) << server.stderr_text();

  // Out of descriptors, with connections waiting: a loop that retried at once would
  // fail hundreds of thousands of accepts a second. Count them over a second (the CPU
  // time is logged only: it depends on the machine).
  const double cpu_before = server.cpu_seconds();
  std::this_thread::sleep_for(1s);
  const double cpu_used = server.cpu_seconds() - cpu_before;
  ASSERT_TRUE(server.running()) << "exit status " << server.exit_status() << ", stderr: " << server.stderr_text();
  EXPECT_EQ(occurrences(server.stderr_text(), "cannot accept"), 1U) << server.stderr_text();

  held.clear(); // descriptors free up as the server sees these close
  try {
    EXPECT_EQ(http_request(server.port(), "GET", "/add?name=again&delay=0").status, 200);
  } catch (const std::exception& e) {
    server.running();
    FAIL() << e.what() << "; server exit status " << server.exit_status() << ", stderr: " << server.stderr_text();
  }
  EXPECT_TRUE(wait_for_stderr(server, "accepting again")) << server.stderr_text();
  const auto metrics = http_request(server.port(), "GET", "/metrics").body;
  const double failed_accepts = metric(metrics, "overlap_accept_failures_total");
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
  EXPECT_GT(failed_accepts, 0) << metrics;
  EXPECT_LE(failed_accepts, static_cast<double>(elapsed_ms) / 10 + 1)
      << "more than one failed accept per 10 ms: the server retries without waiting";
  std::printf("fd limit %llu, %d clients: %.0f failed accepts in %lld ms; CPU %.3f s in 1 s out of descriptors; "
              "stderr:\n%s",
              static_cast<unsigned long long>(server_fd_limit), clients, failed_accepts,
              static_cast<long long>(elapsed_ms), cpu_used, server.stderr_text().c_str());
}
