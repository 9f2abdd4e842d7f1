#pragma once
// The TLS side of one client run: one OpenSSL context shared by all its connections,
// the session cache that lets a new connection resume instead of a full handshake,
// and the handshake counts.
#include "overlap/tls_options.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace overlap::http {

/// OpenSSL's reason for a failed handshake, with the certificate check's own reason
/// when that is what failed: "certificate verify failed (self-signed certificate)".
std::string tls_failure_reason(SSL* ssl, const boost::system::error_code& ec);

/// Marks `ssl`'s connection as shut down cleanly without sending anything. OpenSSL
/// makes the session of a connection freed without a shutdown unresumable, and the
/// clients drop connections without close_notify (as they close plain ones): call this
/// before the SSL object goes, or every session would be good for one connection only.
inline void keep_session_resumable(SSL* ssl) noexcept {
  SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

/// True for errors raised by the TLS layer (OpenSSL's or Asio's SSL stream's).
bool is_tls_error(const boost::system::error_code& ec) noexcept;

/// One per run or session; its connections take their SSL objects from it.
/// - TLS 1.2 and 1.3; SNI and host name (or IP address) verification for every
///   connection; the system's trust store unless options.ca_file names a PEM file.
/// - Resumption: the last session each host:port gave (TLS 1.3 tickets arrive after
///   the handshake, through OpenSSL's new-session callback) is offered by the next
///   connection to it.
/// Threading: one thread (the run's loop). It must outlive every SSL object it prepared.
class tls_client {
public:
  /// Throws std::invalid_argument with a one-line reason if options.ca_file cannot be
  /// loaded (missing, unreadable, no certificate in it).
  explicit tls_client(const tls_client_options& options);
  tls_client(const tls_client&) = delete;
  tls_client& operator=(const tls_client&) = delete;
  ~tls_client();

  boost::asio::ssl::context& context() noexcept { return context_; }

  /// Sets up a new connection's SSL object for `host`:`port`: SNI (for a DNS name),
  /// what the certificate must name, and the session to resume, if any.
  void prepare(SSL* ssl, const std::string& host, std::uint16_t port);
  /// A handshake on `ssl` succeeded: counted, as resumed if OpenSSL says so.
  void handshake_done(SSL* ssl) noexcept { count_handshake(SSL_session_reused(ssl) == 1); }
  /// A handshake failed with `ec`: counted; the first failure's reason is kept.
  void handshake_failed(SSL* ssl, const boost::system::error_code& ec) { count_failure(tls_failure_reason(ssl, ec)); }

  /// The same counts for handshakes made by another TLS stack (libcurl's connections).
  void count_handshake(bool resumed) noexcept;
  void count_failure(std::string reason);

  const tls_handshake_counts& counts() const noexcept { return counts_; }

private:
  static int on_new_session(SSL* ssl, SSL_SESSION* session);

  boost::asio::ssl::context context_;
  std::map<std::string, SSL_SESSION*> sessions_; // host:port -> the last session it gave
  tls_handshake_counts counts_;
};

} // namespace overlap::http
