// Example 8-1: a toy event loop. The loop is only a queue of callables, run one after
// another; each callable schedules the next. No Asio: this is the whole idea underneath.
#include <cstdio>
#include <functional>
#include <queue>

class event_loop {
public:
  void put(std::function<void()> work) { queue_.push(std::move(work)); }

  /// Runs queued work until none is left or `max_steps` ran (the book's loop is
  /// endless; a bounded one ends the example).
  void start(int max_steps) {
    for (int step = 0; step < max_steps && !queue_.empty(); ++step) {
      auto work = std::move(queue_.front());
      queue_.pop();
      work();
    }
  }

private:
  std::queue<std::function<void()>> queue_;
};

void do_world(event_loop& loop);

void do_hello(event_loop& loop) {
  std::puts("Hello");
  loop.put([&loop] { do_world(loop); });
}

void do_world(event_loop& loop) {
  std::puts("world");
  loop.put([&loop] { do_hello(loop); });
}

int main() {
  event_loop loop;
  loop.put([&loop] { do_hello(loop); });
  loop.start(6);
}
