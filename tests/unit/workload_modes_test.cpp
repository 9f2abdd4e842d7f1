// Every workload mode against an in-memory sink that behaves like the book's database.
#include "overlap/workload.hpp"

#include "workload/run_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <atomic>

#include <map>
#include <optional>
#include <set>

namespace asio = boost::asio;
using namespace overlap;
using namespace std::chrono_literals;

namespace {

/// Answers like POST /add after `delay`; with `fail_every` = k, the first attempt at
/// every k-th result (k = 1: every attempt) fails with a reset; remembers every key it
/// acknowledged and the most saves it saw at once. With `hold_until_in_flight` = k, a
/// save waits (at most `hold_at_most`) until k saves are in flight at once or every
/// one of `expected` results has been sent, so a test can see the overlap whatever the
/// machine's speed.
struct memory_sink_state {
  std::size_t hold_until_in_flight = 0;
  std::size_t expected = 0;
  std::chrono::milliseconds hold_at_most{10'000};

  std::map<std::string, std::size_t> attempts_by_key;
  std::set<std::string> acknowledged_keys;
  std::set<std::string> acknowledged_results;
  std::size_t acknowledged = 0;
  std::size_t attempts = 0;
  std::size_t in_flight = 0;
  std::size_t most_in_flight = 0;
};

class memory_sink : public result_sink {
public:
  memory_sink(memory_sink_state& state, std::chrono::milliseconds delay, std::size_t fail_every)
      : state_(state), delay_(delay), fail_every_(fail_every) {}

  asio::awaitable<save_reply> save(std::string result, std::string key) override {
    ++state_.attempts;
    ++state_.in_flight;
    state_.most_in_flight = std::max(state_.most_in_flight, state_.in_flight);
    co_await hold();
    asio::steady_timer timer(co_await asio::this_coro::executor, delay_);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    --state_.in_flight;
    const auto attempt = state_.attempts_by_key[key]++;
    const bool doomed =
        fail_every_ == 1 || (fail_every_ != 0 && attempt == 0 && state_.attempts_by_key.size() % fail_every_ == 0);
    if (doomed) {
      co_return save_reply{failure_kind::reset, asio::error::connection_reset, 0, {}, {}};
    }
    state_.acknowledged_keys.insert(key);
    state_.acknowledged_results.insert(result);
    ++state_.acknowledged;
    co_return save_reply{{}, {}, 200, "{\"result\": \"" + result + "\", \"t\": 0.5}", {}};
  }

private:
  asio::awaitable<void> hold() {
    if (state_.hold_until_in_flight == 0) {
      co_return;
    }
    if (!gate_) {
      gate_.emplace(co_await asio::this_coro::executor, state_.hold_at_most);
    }
    if (state_.in_flight >= state_.hold_until_in_flight || state_.attempts >= state_.expected) {
      gate_open_ = true;
      gate_->cancel();
    }
    if (!gate_open_) {
      co_await gate_->async_wait(asio::as_tuple(asio::use_awaitable));
      gate_open_ = true; // opened, or waited long enough
    }
  }

  memory_sink_state& state_;
  std::chrono::milliseconds delay_;
  std::size_t fail_every_;
  std::optional<asio::steady_timer> gate_; // cancelled when the held saves may go on
  bool gate_open_ = false;
};

sink_factory memory(memory_sink_state& state, std::chrono::milliseconds delay = 2ms, std::size_t fail_every = 0) {
  return [&state, delay, fail_every](asio::any_io_executor) {
    return std::make_unique<memory_sink>(state, delay, fail_every);
  };
}

workload_options small(workload_mode mode) {
  workload_options o;
  o.mode = mode;
  o.difficulty = 4; // the cheapest bcrypt cost: these tests check structure, not speed
  o.n = 23;
  o.batch_size = 5;
  o.concurrency = 4;
  o.workers = 2;
  o.first_backoff = 1ms;
  return o;
}

} // namespace

class every_saving_mode : public ::testing::TestWithParam<workload_mode> {};

TEST_P(every_saving_mode, saves_each_result_exactly_once) {
  memory_sink_state state;
  const auto result = run_workload(small(GetParam()), memory(state));
  EXPECT_EQ(result.saved, 23U);
  EXPECT_EQ(result.failed, 0U);
  EXPECT_EQ(state.acknowledged, 23U) << "a result was saved twice";
  EXPECT_EQ(state.acknowledged_keys.size(), 23U);
  EXPECT_LE(state.most_in_flight, GetParam() == workload_mode::batch ? 5U : 4U);
  std::printf("%s: %.3f s, at most %zu saves in flight\n", std::string(to_string(GetParam())).c_str(), result.seconds,
              state.most_in_flight);
}

TEST_P(every_saving_mode, failed_saves_are_retried_until_acknowledged) {
  memory_sink_state state;
  const auto result = run_workload(small(GetParam()), memory(state, 1ms, 3));
  EXPECT_EQ(result.saved, 23U);
  EXPECT_EQ(result.failed, 0U);
  EXPECT_GT(result.retried, 0U);
  EXPECT_EQ(count_of(result.errors_by_kind, failure_kind::reset), result.retried);
  EXPECT_EQ(state.acknowledged_keys.size(), 23U);
}

namespace {

/// Answers each key's first save with 503 and a Retry-After, and acknowledges the next.
class busy_sink : public result_sink {
public:
  explicit busy_sink(std::chrono::milliseconds retry_after) : retry_after_(retry_after) {}

  asio::awaitable<save_reply> save(std::string result, std::string key) override {
    if (busy_keys_.insert(key).second) {
      co_return save_reply{.status = 503, .body = "busy", .retry_after = retry_after_};
    }
    co_return save_reply{.status = 200, .body = "{\"result\": \"" + result + "\"}"};
  }

private:
  std::chrono::milliseconds retry_after_;
  std::set<std::string> busy_keys_;
};

} // namespace

TEST(workload, waits_as_long_as_retry_after_asks_before_saving_again) {
  auto o = small(workload_mode::serial);
  o.n = 3;
  o.retries = 1;
  const auto result = run_workload(
      o, [](asio::any_io_executor) { return std::make_unique<busy_sink>(std::chrono::milliseconds(200)); });
  std::printf("3 serial saves, each told to wait 200 ms once: %.3f s (backoff alone: 3 ms)\n", result.seconds);
  EXPECT_EQ(result.saved, 3U);
  EXPECT_EQ(count_of(result.errors_by_kind, failure_kind::status), 3U);
  EXPECT_GE(result.seconds, 0.6) << "saved again before the wait the sink asked for";
}

TEST_P(every_saving_mode, starts_no_task_once_a_stop_is_requested_and_saves_those_that_ran) {
  memory_sink_state state;
  auto options = small(GetParam());
  constexpr std::size_t allowed = 9;                          // not a whole number of batches: the rest is flushed too
  auto asked = std::make_shared<std::atomic<std::size_t>>(0); // threads mode asks from its workers
  options.stop_requested = [asked] { return asked->fetch_add(1) >= allowed; };
  const auto result = run_workload(options, memory(state));
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.n, allowed);
  EXPECT_EQ(result.saved, allowed) << "the saves of the tasks that ran finished";
  EXPECT_EQ(state.acknowledged, allowed);
}

INSTANTIATE_TEST_SUITE_P(workload, every_saving_mode,
                         ::testing::Values(workload_mode::serial, workload_mode::batch, workload_mode::async,
                                           workload_mode::threads),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(workload, serial_never_has_two_saves_in_flight) {
  memory_sink_state state;
  run_workload(small(workload_mode::serial), memory(state));
  EXPECT_EQ(state.most_in_flight, 1U);
}

TEST(workload, async_overlaps_saves_up_to_the_concurrency) {
  memory_sink_state state;
  auto options = small(workload_mode::async);
  options.n = 40;
  options.concurrency = 3;
  // The saves wait until three overlap: a slow hash cannot hide the overlap, and a
  // fourth save in flight would still be seen.
  state.hold_until_in_flight = 3;
  state.expected = options.n;
  const auto result = run_workload(options, memory(state, 1ms));
  EXPECT_EQ(result.saved, 40U);
  EXPECT_EQ(state.most_in_flight, 3U);
}

TEST(workload, a_save_that_never_succeeds_is_counted_as_failed) {
  memory_sink_state state;
  auto options = small(workload_mode::async);
  options.retries = 2;
  const auto result = run_workload(options, memory(state, 1ms, 1));
  EXPECT_EQ(result.saved, 0U);
  EXPECT_EQ(result.failed, 23U);
  EXPECT_EQ(result.sent, 23U * 3);
}

TEST(workload, modes_without_io_need_no_sink) {
  for (auto mode : {workload_mode::noio, workload_mode::fileio}) {
    const auto result = run_workload(small(mode), nullptr);
    EXPECT_EQ(result.n, 23U);
    EXPECT_EQ(result.saved, 0U);
  }
  EXPECT_THROW(run_workload(small(workload_mode::serial), nullptr), std::invalid_argument);
}

TEST(workload, the_timeline_has_a_cpu_span_before_each_io_span) {
  memory_sink_state state;
  auto options = small(workload_mode::async);
  options.record_timeline = true;
  const auto result = run_workload(options, memory(state));
  ASSERT_EQ(result.timeline.size(), 23U);
  for (const auto& span : result.timeline) {
    EXPECT_LE(span.cpu_start, span.cpu_end);
    EXPECT_LE(span.cpu_end, span.io_start);
    EXPECT_LE(span.io_start, span.io_end);
  }
}

TEST(workload, an_invalid_cost_is_an_error_not_a_crash) {
  auto options = small(workload_mode::noio);
  options.difficulty = 99;
  EXPECT_THROW(run_workload(options, nullptr), std::runtime_error);
}

TEST(workload, mode_names_round_trip) {
  for (auto mode : all_workload_modes()) {
    EXPECT_EQ(parse_workload_mode(to_string(mode)), mode);
  }
  EXPECT_FALSE(parse_workload_mode("fast"));
}

// A save started with a temporary result (the coroutine runs after the statement that
// started it) keeps its own copy.
TEST(workload_lifetimes, a_save_started_with_a_temporary_result_keeps_its_own_copy) {
  memory_sink_state state;
  const auto options = small(workload_mode::async);
  asio::io_context ioc;
  memory_sink sink(state, 1ms, 0);
  workload::run_context ctx(options, ioc, &sink);
  const std::string expected(64, 'r');
  bool saved = false;
  asio::co_spawn(ioc, ctx.save_task(0, std::string(64, 'r')), [&saved](const std::exception_ptr& e, bool ok) {
    if (e) {
      std::rethrow_exception(e);
    }
    saved = ok;
  });
  ioc.run();
  EXPECT_TRUE(saved);
  EXPECT_EQ(state.acknowledged_results, std::set<std::string>{expected});
}

// Cancelling async mode while saves are in flight: the exception leaves run_async only
// after every save it started has ended (they hold its semaphore's permits).
TEST(workload_lifetimes, async_cancelled_mid_run_ends_after_the_saves_it_started) {
  memory_sink_state state;
  auto options = small(workload_mode::async);
  options.n = 40;
  options.concurrency = 3;
  asio::io_context ioc;
  memory_sink sink(state, 500ms, 0);
  workload::run_context ctx(options, ioc, &sink);
  asio::cancellation_signal stop;
  std::exception_ptr failure;
  bool ended = false;
  std::size_t in_flight_at_end = 0;
  asio::co_spawn(ioc, workload::run_async(ctx), asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e) {
                   failure = std::move(e);
                   ended = true;
                   in_flight_at_end = state.in_flight;
                 }));
  for (int steps = 0; steps < 100'000 && state.in_flight < 3 && ioc.run_one() > 0; ++steps) {
  }
  ASSERT_EQ(state.in_flight, 3U);
  stop.emit(asio::cancellation_type::terminal);
  ioc.run();
  ASSERT_TRUE(ended);
  EXPECT_TRUE(failure) << "a cancelled run ends with operation_aborted";
  EXPECT_EQ(in_flight_at_end, 0U) << "run_async ended while saves it started were still running";
  EXPECT_LT(state.attempts, 40U);
  std::printf("cancelled after %zu saves started\n", state.attempts);
}
