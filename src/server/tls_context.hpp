#pragma once
// The delay server's TLS context (--tls-cert, --tls-key), one for every shard.
#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>

namespace overlap::server {

/// A server context for TLS 1.2 and 1.3 with the certificate chain and key loaded and
/// checked against each other; session tickets on, so clients resume. Throws
/// std::invalid_argument with a one-line reason when a file is missing, unreadable,
/// not PEM, or the key does not match.
std::unique_ptr<boost::asio::ssl::context> load_tls_context(const std::filesystem::path& cert_file,
                                                            const std::filesystem::path& key_file);

} // namespace overlap::server
