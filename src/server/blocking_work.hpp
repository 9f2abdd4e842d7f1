#pragma once
// Running a blocking function on a thread pool and resuming the caller on its own
// executor, as the store does for SQLite: the event loop goes on serving meanwhile.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>

namespace overlap::server {

/// Runs `function` on `pool`; completes with `void(std::exception_ptr)` (what it threw,
/// or null) on the handler's associated executor, whose work stays outstanding until then.
template <typename Function, typename CompletionToken>
auto async_run_blocking(boost::asio::thread_pool& pool, Function function, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr)>(
      [&pool](auto handler, Function f) {
        auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                        boost::asio::execution::outstanding_work.tracked);
        boost::asio::post(pool, [h = std::move(handler), f = std::move(f), work]() mutable {
          std::exception_ptr failure;
          try {
            f();
          } catch (...) {
            failure = std::current_exception();
          }
          boost::asio::post(work, [h = std::move(h), failure]() mutable { std::move(h)(failure); });
        });
      },
      token, std::move(function));
}

} // namespace overlap::server
