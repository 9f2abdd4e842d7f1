#include "overlap/http_sink.hpp"

#include "http/tls_client.hpp"
#include "http/url.hpp"
#include "overlap/http_session.hpp"

#include <array>
#include <stdexcept>

namespace overlap {

namespace {

class http_sink final : public result_sink {
public:
  http_sink(boost::asio::any_io_executor executor, const http::http_base& url, std::size_t max_connections,
            std::chrono::milliseconds timeout, const tls_client_options& tls)
      : target_(url.target_prefix),
        session_(std::move(executor), http_session_options{.host = url.host,
                                                           .port = url.port,
                                                           .max_connections = max_connections,
                                                           .timeout = timeout,
                                                           .tls = url.tls ? std::optional(tls) : std::nullopt}) {}

  boost::asio::awaitable<save_reply> save(std::string result, std::string key) override {
    const std::array<http_header, 1> headers{{{"Idempotency-Key", key}}};
    auto response = co_await session_.post(target_, result, headers);
    save_reply reply;
    if (response.failure) {
      reply.failure = response.failure->kind;
      reply.ec = response.failure->error;
    }
    reply.status = response.status;
    reply.body = std::move(response.body);
    reply.retry_after = response.retry_after;
    co_return reply;
  }

  void close() override { session_.close(); }

private:
  std::string target_;
  http_session session_;
};

} // namespace

sink_factory http_sink_factory(const std::string& url, std::size_t max_connections, std::chrono::milliseconds timeout,
                               const tls_client_options& tls) {
  const auto parsed = http::parse_http_base(url); // throws now, not at the first save
  if (parsed.tls) {
    http::tls_client check(tls); // a CA file that does not load: now, not at the first save
  }
  return
      [parsed, max_connections, timeout, tls](boost::asio::any_io_executor executor) -> std::unique_ptr<result_sink> {
        return std::make_unique<http_sink>(std::move(executor), parsed, max_connections, timeout, tls);
      };
}

} // namespace overlap
