// http_session over https:// against the delay server over HTTPS, both in this process:
// the library's TLS as another program would use it (http_session_options::tls).
#include "overlap/http_session.hpp"

#include "support/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

std::filesystem::path made_certificate_dir() {
  return std::filesystem::temp_directory_path() / ("overlap-https-session-" + std::to_string(::getpid()));
}

void remove_certificate_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(made_certificate_dir(), ignored);
}

/// A self-signed certificate for 127.0.0.1 and localhost, made by the test script once
/// per process and removed when it exits.
std::filesystem::path certificate_dir() {
  static const auto dir = [] {
    const auto d = made_certificate_dir();
    const auto command =
        std::string("bash '") + OVERLAP_TEST_SUPPORT_DIR + "/make_test_cert.sh' '" + d.string() + "' >/dev/null";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("make_test_cert.sh failed");
    }
    std::atexit(remove_certificate_dir);
    return d;
  }();
  return dir;
}

delay_server_options https_server_options() {
  auto o = running_server::defaults();
  o.tls_cert_file = certificate_dir() / "cert.pem";
  o.tls_key_file = certificate_dir() / "key.pem";
  return o;
}

http_session_options session_options(std::uint16_t port, tls_client_options tls, bool keep_alive) {
  http_session_options o;
  o.port = port;
  o.max_connections = 1;
  o.timeout = 5s;
  o.keep_alive = keep_alive;
  o.tls = std::move(tls);
  return o;
}

asio::awaitable<std::vector<http_response>> get_sequentially(http_session& s, int count) {
  std::vector<http_response> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(co_await s.get("/add?name=tls&delay=0&i=" + std::to_string(i)));
  }
  s.close();
  co_return out;
}

std::vector<http_response> fetch(http_session_options options, int count) {
  asio::io_context ctx;
  http_session session(ctx.get_executor(), std::move(options));
  auto future = asio::co_spawn(ctx, get_sequentially(session, count), asio::use_future);
  ctx.run();
  return future.get();
}

} // namespace

TEST(https_session, new_connections_resume_the_first_ones_session) {
  running_server server(https_server_options());
  asio::io_context ctx;
  http_session session(
      ctx.get_executor(),
      session_options(server.port(), {.verify = true, .ca_file = certificate_dir() / "cert.pem"}, false));
  auto future = asio::co_spawn(ctx, get_sequentially(session, 5), asio::use_future);
  ctx.run();
  for (const auto& r : future.get()) {
    ASSERT_TRUE(r.succeeded()) << (r.failure ? r.failure->error.message() : std::to_string(r.status));
    EXPECT_EQ(r.body, ".");
  }
  const auto counts = session.tls_counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->handshakes, 5U);
  EXPECT_EQ(counts->resumed, 4U);
  EXPECT_EQ(counts->failed, 0U);
  EXPECT_EQ(session.connections_opened(), 5U);
}

TEST(https_session, an_unverified_certificate_is_a_tls_failure_in_the_handshake) {
  running_server server(https_server_options());
  const auto responses = fetch(session_options(server.port(), {}, true), 1); // the system's store
  ASSERT_EQ(responses.size(), 1U);
  const auto& r = responses.front();
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->kind, failure_kind::tls);
  EXPECT_EQ(r.failure->phase, http_phase::handshake);
  EXPECT_NE(r.failure->error.message().find("certificate verify failed"), std::string::npos)
      << r.failure->error.message();
}

TEST(https_session, insecure_accepts_any_certificate_and_keep_alive_needs_one_handshake) {
  running_server server(https_server_options());
  asio::io_context ctx;
  http_session session(ctx.get_executor(), session_options(server.port(), {.verify = false}, true));
  auto future = asio::co_spawn(ctx, get_sequentially(session, 3), asio::use_future);
  ctx.run();
  for (const auto& r : future.get()) {
    EXPECT_TRUE(r.succeeded());
  }
  EXPECT_EQ(session.tls_counts()->handshakes, 1U);
}

TEST(https_session, a_server_certificate_that_does_not_load_is_refused_at_construction) {
  auto o = running_server::defaults();
  o.tls_cert_file = certificate_dir() / "key.pem"; // a key is not a certificate
  o.tls_key_file = certificate_dir() / "key.pem";
  EXPECT_THROW(delay_server server(o), std::invalid_argument);
}
