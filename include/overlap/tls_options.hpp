#pragma once
// How an overlap client checks the servers it reaches over https://.
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

} // namespace overlap
