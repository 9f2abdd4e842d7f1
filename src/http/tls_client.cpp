#include "http/tls_client.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace overlap::http {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;

namespace {

/// Where an SSL object finds its host:port's session slot. An index of our own: Asio
/// keeps its verify callback in the SSL object's "app data" (index 0).
int session_slot_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

/// Throws std::invalid_argument unless `path` can be opened for reading (OpenSSL's own
/// message for a missing file is only "system lib").
void check_readable(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw std::invalid_argument("cannot read the CA file '" + path + "': " + std::strerror(errno));
  }
  std::fclose(file);
}

bool is_ip_address(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

} // namespace

bool is_tls_error(const error_code& ec) noexcept {
  return ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category();
}

std::string tls_failure_reason(SSL* ssl, const error_code& ec) {
  std::string reason;
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr); // once, then a no-op
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* text = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    reason = text != nullptr ? text : ec.message();
  } else {
    reason = ec.message();
  }
  const long verify = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (verify != X509_V_OK) {
    reason += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
  }
  return reason;
}

tls_client::tls_client(const tls_client_options& options) : context_(ssl::context::tls_client) {
  SSL_CTX* ctx = context_.native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); // and up to TLS 1.3, OpenSSL's maximum
  if (!options.ca_file.empty()) {
    check_readable(options.ca_file);
    error_code ec;
    context_.load_verify_file(options.ca_file, ec);
    if (ec) {
      throw std::invalid_argument("cannot load the CA file '" + options.ca_file +
                                  "': " + tls_failure_reason(nullptr, ec));
    }
  } else if (options.verify) {
    context_.set_default_verify_paths();
  }
  context_.set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none);
  // Sessions go to our cache, not OpenSSL's: the callback sees each one, TLS 1.3's
  // post-handshake tickets included.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, &tls_client::on_new_session);
}

tls_client::~tls_client() {
  for (auto& [peer, session] : sessions_) {
    if (session != nullptr) {
      SSL_SESSION_free(session);
    }
  }
}

void tls_client::prepare(SSL* ssl, const std::string& host, std::uint16_t port) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_ip_address(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()); // no SNI for an address (RFC 6066)
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  auto& slot = sessions_[host + ":" + std::to_string(port)]; // map nodes stay put: the pointer stays valid
  SSL_set_ex_data(ssl, session_slot_index(), &slot);
  if (slot != nullptr) {
    SSL_set_session(ssl, slot);
  }
}

int tls_client::on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* slot = static_cast<SSL_SESSION**>(SSL_get_ex_data(ssl, session_slot_index()));
  if (slot == nullptr) {
    return 0; // not ours to keep: OpenSSL frees it
  }
  if (*slot != nullptr) {
    SSL_SESSION_free(*slot);
  }
  *slot = session;
  return 1; // the slot keeps OpenSSL's reference
}

void tls_client::count_handshake(bool resumed) noexcept {
  ++counts_.handshakes;
  if (resumed) {
    ++counts_.resumed;
  }
}

void tls_client::count_failure(std::string reason) {
  ++counts_.failed;
  if (counts_.failure.empty()) {
    counts_.failure = std::move(reason);
  }
}

} // namespace overlap::http
