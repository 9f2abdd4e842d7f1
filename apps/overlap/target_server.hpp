#pragma once
// The server a command talks to: the one --url names, or else a delay server
// embedded in this process on 127.0.0.1 port 0, for as long as the command runs.
#include "overlap/delay_server.hpp"

#include <memory>
#include <string>

namespace overlap::cli {

class target_server {
public:
  /// Starts an embedded server with `embedded` options unless `url` is given.
  target_server(std::string url, delay_server_options embedded);

  bool embedded() const noexcept { return server_ != nullptr; }
  /// `url` as given, or the embedded server's "http://127.0.0.1:PORT".
  const std::string& base_url() const noexcept { return url_; }
  /// Stops the embedded server (requests in flight are answered) and waits for it.
  void stop();

private:
  std::string url_;
  std::unique_ptr<delay_server> server_;
};

} // namespace overlap::cli
