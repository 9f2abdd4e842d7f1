// The pure pieces of the clients' TLS: how a failure is classed, how its reason reads,
// and what a CA file that does not load says.
#include "http/tls_client.hpp"

#include "http/client_connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace overlap {
namespace {

using boost::system::error_code;
namespace asio = boost::asio;

error_code openssl_error(int reason) {
  return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)), asio::error::get_ssl_category()};
}

TEST(tls_pieces, any_failure_in_the_handshake_is_tls_but_a_timeout) {
  EXPECT_EQ(http::classify_failure(http_phase::handshake, openssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED), false),
            failure_kind::tls);
  EXPECT_EQ(http::classify_failure(http_phase::handshake, asio::error::connection_reset, false), failure_kind::tls);
  EXPECT_EQ(http::classify_failure(http_phase::handshake, asio::error::operation_aborted, true), failure_kind::timeout);
}

TEST(tls_pieces, a_close_without_close_notify_after_the_handshake_is_a_reset) {
  EXPECT_EQ(http::classify_failure(http_phase::read, asio::ssl::error::stream_truncated, false), failure_kind::reset);
  EXPECT_EQ(http::classify_failure(http_phase::read, openssl_error(SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC), false),
            failure_kind::tls);
  EXPECT_EQ(http::classify_failure(http_phase::connect, asio::error::connection_refused, false), failure_kind::refused);
}

TEST(tls_pieces, the_reason_is_openssls_own_words) {
  EXPECT_EQ(http::tls_failure_reason(nullptr, openssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED)),
            "certificate verify failed");
  EXPECT_TRUE(http::is_tls_error(openssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED)));
  EXPECT_TRUE(http::is_tls_error(asio::ssl::error::stream_truncated));
  EXPECT_FALSE(http::is_tls_error(asio::error::connection_reset));
}

TEST(tls_pieces, a_ca_file_that_does_not_load_is_refused_with_its_name) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto missing = (dir / "overlap-no-such-ca.pem").string();
  try {
    http::tls_client client(tls_client_options{.verify = true, .ca_file = missing});
    FAIL() << "a missing CA file was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
  const auto junk = (dir / "overlap-junk-ca.pem").string();
  std::ofstream(junk) << "not a certificate\n";
  EXPECT_THROW(http::tls_client(tls_client_options{.verify = true, .ca_file = junk}), std::invalid_argument);
  std::remove(junk.c_str());
}

TEST(tls_pieces, a_new_client_has_counted_nothing) {
  http::tls_client client(tls_client_options{.verify = false});
  EXPECT_EQ(client.counts().handshakes, 0U);
  EXPECT_EQ(client.counts().resumed, 0U);
  EXPECT_EQ(client.counts().failed, 0U);
  client.count_handshake(true);
  client.count_failure("first");
  client.count_failure("second");
  EXPECT_EQ(client.counts().handshakes, 1U);
  EXPECT_EQ(client.counts().resumed, 1U);
  EXPECT_EQ(client.counts().failed, 2U);
  EXPECT_EQ(client.counts().failure, "first"); // the first reason is kept
}

} // namespace
} // namespace overlap
