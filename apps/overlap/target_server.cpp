#include "target_server.hpp"

namespace overlap::cli {

target_server::target_server(std::string url, delay_server_options embedded) : url_(std::move(url)) {
  if (url_.empty()) {
    embedded.host = "127.0.0.1";
    embedded.port = 0;
    server_ = std::make_unique<delay_server>(std::move(embedded));
    server_->start();
    url_ = server_->base_url();
  }
}

void target_server::stop() {
  if (server_) {
    server_->stop();
    server_->join();
  }
}

} // namespace overlap::cli
