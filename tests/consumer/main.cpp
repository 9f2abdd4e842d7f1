// Uses the installed package: a delay server, and 20 requests' worth of waiting run
// through a semaphore of 5 and a task group. Prints "consumer ok" on success.
#include <overlap/async_semaphore.hpp>
#include <overlap/delay_server.hpp>
#include <overlap/task_group.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>

namespace asio = boost::asio;

asio::awaitable<void> pause_holding(overlap::async_semaphore& slots, int& most, int& holding) {
  co_await slots.async_acquire(asio::use_awaitable);
  overlap::semaphore_permit permit(slots);
  most = std::max(most, ++holding);
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(2));
  co_await timer.async_wait(asio::use_awaitable);
  --holding;
}

asio::awaitable<void> spawn_all(overlap::task_group& group, overlap::async_semaphore& slots, int& most, int& holding) {
  for (int i = 0; i < 20; ++i) {
    group.spawn(pause_holding(slots, most, holding));
  }
  co_return;
}

asio::awaitable<void> run(int& most) {
  auto executor = co_await asio::this_coro::executor;
  overlap::async_semaphore slots(executor, 5);
  int holding = 0;
  co_await overlap::with_task_group(executor,
                                    [&](overlap::task_group& group) { return spawn_all(group, slots, most, holding); });
}

int main() {
  overlap::delay_server server({.port = 0});
  server.start();
  asio::io_context ioc;
  int most = 0;
  std::exception_ptr failure;
  asio::co_spawn(ioc, run(most), [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure || most != 5 || server.port() == 0) {
    std::puts("consumer failed");
    return 1;
  }
  std::printf("consumer ok: at most %d at once; a server listened on port %u\n", most, server.port());
  return 0;
}
