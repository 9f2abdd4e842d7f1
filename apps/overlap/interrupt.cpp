#include "interrupt.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <stdexcept>

namespace overlap::cli {

namespace {

// A signal handler can reach only what is global; a lock-free atomic is what it may
// touch. Nothing else in the program is global.
std::atomic<int> sigint_count{0};
static_assert(std::atomic<int>::is_always_lock_free);

void on_sigint(int) {
  if (sigint_count.fetch_add(1) > 0) {
    ::_exit(interrupted_status);
  }
  constexpr char message[] =
      "\noverlap: interrupted: finishing what is in flight, then writing what ran (Ctrl-C again to quit now)\n";
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
}

} // namespace

interrupt_guard::interrupt_guard() {
  struct sigaction action {};
  action.sa_handler = &on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (::sigaction(SIGINT, &action, &previous_) != 0) {
    throw std::runtime_error("cannot handle SIGINT");
  }
}

interrupt_guard::~interrupt_guard() { ::sigaction(SIGINT, &previous_, nullptr); }

bool interrupt_guard::requested() noexcept { return sigint_count.load(std::memory_order_relaxed) > 0; }

} // namespace overlap::cli
