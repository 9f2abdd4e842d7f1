#include "server/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace overlap::server {

namespace ssl = boost::asio::ssl;

namespace {

/// OpenSSL's reason for the last failure ("no start line", "key values mismatch").
std::string openssl_reason() {
  const auto error = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = ERR_reason_error_string(error);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

void check_readable(const std::filesystem::path& path, const char* what) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw std::invalid_argument(std::string("cannot read the TLS ") + what + " '" + path.string() +
                                "': " + std::strerror(errno));
  }
  std::fclose(file);
}

} // namespace

std::unique_ptr<ssl::context> load_tls_context(const std::filesystem::path& cert_file,
                                               const std::filesystem::path& key_file) {
  check_readable(cert_file, "certificate");
  check_readable(key_file, "key");
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    throw std::invalid_argument("cannot load the TLS certificate '" + cert_file.string() + "': " + openssl_reason());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::invalid_argument("cannot load the TLS key '" + key_file.string() + "': " + openssl_reason());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    throw std::invalid_argument("the TLS key '" + key_file.string() + "' does not match the certificate '" +
                                cert_file.string() + "': " + openssl_reason());
  }
  // Resumption through tickets (TLS 1.2 and 1.3): stateless, so every shard accepts
  // the tickets any shard issued. No server-side cache: it would only grow.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 1); // TLS 1.3 sends two by default; a client keeps one
  return context;
}

} // namespace overlap::server
