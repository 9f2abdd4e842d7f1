// Every workload mode against an in-memory sink that behaves like the book's database.
#include "overlap/workload.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace asio = boost::asio;
using namespace overlap;
using namespace std::chrono_literals;

namespace {

/// Answers like POST /add after `delay`; with `fail_every` = k, the first attempt at
/// every k-th result (k = 1: every attempt) fails with a reset; remembers every key it
/// acknowledged and the most saves it saw at once.
struct memory_sink_state {
  std::map<std::string, std::size_t> attempts_by_key;
  std::set<std::string> acknowledged_keys;
  std::size_t acknowledged = 0;
  std::size_t attempts = 0;
  std::size_t in_flight = 0;
  std::size_t most_in_flight = 0;
};

class memory_sink : public result_sink {
public:
  memory_sink(memory_sink_state& state, std::chrono::milliseconds delay, std::size_t fail_every)
      : state_(state), delay_(delay), fail_every_(fail_every) {}

  asio::awaitable<save_reply> save(const std::string& result, const std::string& key) override {
    ++state_.attempts;
    ++state_.in_flight;
    state_.most_in_flight = std::max(state_.most_in_flight, state_.in_flight);
    asio::steady_timer timer(co_await asio::this_coro::executor, delay_);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    --state_.in_flight;
    const auto attempt = state_.attempts_by_key[key]++;
    const bool doomed =
        fail_every_ == 1 || (fail_every_ != 0 && attempt == 0 && state_.attempts_by_key.size() % fail_every_ == 0);
    if (doomed) {
      co_return save_reply{asio::error::connection_reset, 0, {}};
    }
    state_.acknowledged_keys.insert(key);
    ++state_.acknowledged;
    co_return save_reply{{}, 200, "{\"result\": \"" + result + "\", \"t\": 0.5}"};
  }

private:
  memory_sink_state& state_;
  std::chrono::milliseconds delay_;
  std::size_t fail_every_;
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
  EXPECT_EQ(result.errors_by_kind.at("reset"), result.retried);
  EXPECT_EQ(state.acknowledged_keys.size(), 23U);
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
  run_workload(options, memory(state, 20ms));
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
