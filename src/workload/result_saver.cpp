#include "workload/result_saver.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace overlap::workload {

namespace asio = boost::asio;

std::optional<failure_kind> reply_failure(const save_reply& reply, const std::string& result) {
  if (reply.failure) {
    return reply.failure;
  }
  if (reply.status < 200 || reply.status >= 300) {
    return failure_kind::status;
  }
  boost::system::error_code ec;
  const auto answer = boost::json::parse(reply.body, ec);
  if (ec || !answer.is_object()) {
    return failure_kind::mismatch;
  }
  const auto* echoed = answer.as_object().if_contains("result");
  if (echoed == nullptr || !echoed->is_string() || echoed->as_string() != result) {
    return failure_kind::mismatch;
  }
  return std::nullopt;
}

result_saver::result_saver(result_sink& sink, retry_policy policy) : sink_(sink), policy_(policy) {}

asio::awaitable<bool> result_saver::save(std::string result, std::string key) {
  for (unsigned attempt = 0;; ++attempt) {
    ++counts_.sent;
    const auto reply = co_await sink_.save(result, key);
    const auto failure = reply_failure(reply, result);
    if (!failure) {
      ++counts_.acknowledged;
      co_return true;
    }
    ++count_of(counts_.errors_by_kind, *failure);
    const auto pause = policy_.next_pause(attempt, reply.status, reply.retry_after);
    if (!pause) {
      ++counts_.failed;
      co_return false;
    }
    ++counts_.retried;
    asio::steady_timer timer(co_await asio::this_coro::executor, *pause);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

} // namespace overlap::workload
