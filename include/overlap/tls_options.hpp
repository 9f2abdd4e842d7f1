#pragma once
// How an overlap client checks the servers it reaches over https://.
#include <cstddef>
#include <string>

namespace overlap {

/// TLS settings of a client (the crawl strategies, http_session, the workload's sink).
/// Every https:// connection sends SNI (the URL's host name) and offers TLS 1.2 and 1.3.
struct tls_client_options {
  /// Verify the server's certificate chain and that it names the URL's host. False is
  /// `--insecure`: any certificate is accepted (the exchange is still encrypted).
  bool verify = true;
  /// A PEM file of trusted certificates, used instead of the system's default store.
  std::string ca_file;
};

/// What the TLS handshakes of one client run came to.
struct tls_handshake_counts {
  std::size_t handshakes = 0; // completed handshakes
  std::size_t resumed = 0;    // of those, how many resumed an earlier session (no full handshake)
  std::size_t failed = 0;     // handshakes that failed (each one a `tls` failure)
  std::string failure;        // OpenSSL's reason for the first failure, empty if none
};

} // namespace overlap
