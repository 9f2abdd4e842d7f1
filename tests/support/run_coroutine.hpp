#pragma once
// Runs one coroutine on an io_context to completion and rethrows its failure, so a
// test body can be written as a coroutine.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>

namespace overlap::test {

/// Spawns `body()` (a callable returning an awaitable) on `ioc`, runs the loop until
/// nothing is left, and rethrows what the coroutine threw.
template <typename Body> void run_coroutine(boost::asio::io_context& ioc, Body body) {
  std::exception_ptr failure;
  boost::asio::co_spawn(ioc, body(), [&failure](std::exception_ptr e) { failure = std::move(e); });
  ioc.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
}

/// The same on a fresh io_context.
template <typename Body> void run_coroutine(Body body) {
  boost::asio::io_context ioc;
  run_coroutine(ioc, std::move(body));
}

} // namespace overlap::test
