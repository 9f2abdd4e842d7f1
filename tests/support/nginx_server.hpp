#pragma once
// nginx (Debian's nginx-light) as a test's real server: static files from a temporary
// directory on a free 127.0.0.1 port, an access log that records what arrived, stopped
// when the fixture goes. nginx cannot bind port 0, so a free port is picked (bound to
// port 0, then closed) and the start retried on another if it was taken meanwhile.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace overlap::test {

struct nginx_options {
  /// Files served from the document root: relative path -> content.
  std::map<std::string, std::string> files;
  /// A certificate and key in PEM: when set, the listener speaks TLS (https://).
  struct tls_files {
    std::filesystem::path certificate;
    std::filesystem::path key;
  };
  std::optional<tls_files> tls;
};

class nginx_server {
public:
  /// Writes the config and files, starts nginx in the foreground and waits (up to 10 s)
  /// until it accepts connections. Throws std::runtime_error if it cannot.
  explicit nginx_server(const nginx_options& options);
  nginx_server(const nginx_server&) = delete;
  nginx_server& operator=(const nginx_server&) = delete;
  /// Stops nginx (SIGTERM, then SIGKILL after 5 s), reaps it and removes the directory.
  ~nginx_server();

  /// Whether nginx is installed (tests skip, naming the package, when it is not).
  static bool available();

  std::uint16_t port() const noexcept { return port_; }
  /// "http://127.0.0.1:PORT" (https:// with TLS).
  std::string base_url() const;
  /// The access log: one line per request, "METHOD URI STATUS BYTES X-Test". nginx
  /// writes a line once the answer is sent, a moment after the client has it: waits
  /// (up to 5 s) until the log has `lines` lines.
  std::string access_log(std::size_t lines = 0) const;

private:
  bool try_start(std::uint16_t port);
  void stop() noexcept;

  nginx_options options_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

} // namespace overlap::test
