#include "workload/result_saver.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace overlap::workload {

namespace asio = boost::asio;

namespace {
constexpr std::chrono::milliseconds max_backoff{2000};
}

std::string failure_kind(const save_reply& reply, bool mismatched) {
  // A connection closed before the answer (Beast says end_of_stream) is a reset too.
  if (reply.ec == asio::error::connection_refused) {
    return "refused";
  }
  if (reply.ec == asio::error::connection_reset || reply.ec == asio::error::eof ||
      reply.ec == asio::error::broken_pipe || reply.ec == boost::beast::http::error::end_of_stream) {
    return "reset";
  }
  if (reply.ec == asio::error::timed_out || reply.ec == asio::error::operation_aborted) {
    return "timeout";
  }
  if (reply.ec) {
    return reply.ec.message();
  }
  return mismatched ? "mismatch" : "status";
}

bool acknowledges(const save_reply& reply, const std::string& result) {
  if (reply.ec || reply.status < 200 || reply.status >= 300) {
    return false;
  }
  boost::system::error_code ec;
  const auto answer = boost::json::parse(reply.body, ec);
  if (ec || !answer.is_object()) {
    return false;
  }
  const auto* echoed = answer.as_object().if_contains("result");
  return echoed != nullptr && echoed->is_string() && echoed->as_string() == result;
}

result_saver::result_saver(result_sink& sink, unsigned retries, std::chrono::milliseconds first_backoff)
    : sink_(sink), retries_(retries), first_backoff_(first_backoff) {}

asio::awaitable<bool> result_saver::save(const std::string& result, const std::string& key) {
  auto backoff = first_backoff_;
  for (unsigned attempt = 0;; ++attempt) {
    ++counts_.sent;
    const auto reply = co_await sink_.save(result, key);
    if (acknowledges(reply, result)) {
      ++counts_.acknowledged;
      co_return true;
    }
    const bool mismatched = !reply.ec && reply.status >= 200 && reply.status < 300;
    ++counts_.errors_by_kind[failure_kind(reply, mismatched)];
    if (attempt >= retries_) {
      ++counts_.failed;
      co_return false;
    }
    ++counts_.retried;
    asio::steady_timer pause(co_await asio::this_coro::executor, backoff);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    backoff = std::min(backoff * 2, max_backoff);
  }
}

} // namespace overlap::workload
