// The workload against the real delay server, checked from the server's own records.
#include "support/http_client.hpp"
#include "support/overlap_count.hpp"

#include "overlap/http_sink.hpp"
#include "overlap/workload.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;

namespace {

workload_options quick(workload_mode mode) {
  workload_options o;
  o.mode = mode;
  o.difficulty = 4;
  o.n = 20;
  o.batch_size = 6;
  o.concurrency = 5;
  o.workers = 2;
  return o;
}

running_server database(std::chrono::milliseconds post_delay) {
  auto options = running_server::defaults();
  options.post_delay = post_delay;
  return running_server(options);
}

} // namespace

class saving_mode : public ::testing::TestWithParam<workload_mode> {};

TEST_P(saving_mode, saves_exactly_n_results_counted_by_the_server) {
  auto s = database(5ms);
  const std::string name(to_string(GetParam()));
  const auto run = run_workload(quick(GetParam()), http_sink_factory(s.server().base_url() + "/add?name=" + name, 5));
  EXPECT_EQ(run.saved, 20U);
  EXPECT_EQ(run.failed, 0U);
  EXPECT_EQ(s.server().records().at(name).size(), 20U);
}

INSTANTIATE_TEST_SUITE_P(workload_e2e, saving_mode,
                         ::testing::Values(workload_mode::serial, workload_mode::batch, workload_mode::async,
                                           workload_mode::threads),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(workload_e2e, async_never_has_more_than_c_saves_in_flight_at_the_server) {
  auto s = database(30ms);
  auto options = quick(workload_mode::async);
  options.n = 40;
  options.concurrency = 4;
  run_workload(options, http_sink_factory(s.server().base_url() + "/add?name=async", 4));
  const auto most = most_overlapping(s.server().records().at("async"));
  EXPECT_LE(most, 4U);
  EXPECT_GE(most, 2U) << "the saves did not overlap at all";
  std::printf("async, concurrency 4: at most %zu saves in flight at the server\n", most);
}

TEST(workload_e2e, batch_sends_each_batch_at_once_and_no_more) {
  // Saves of 200 ms: a batch's five overlap at the server even if opening their
  // connections is slow on a loaded machine.
  auto s = database(200ms);
  auto options = quick(workload_mode::batch);
  options.n = 12;
  options.batch_size = 5;
  run_workload(options, http_sink_factory(s.server().base_url() + "/add?name=batch", 100));
  EXPECT_EQ(most_overlapping(s.server().records().at("batch")), 5U);
}

TEST(workload_e2e, a_database_that_is_down_leaves_every_result_failed_and_counted) {
  std::uint16_t closed_port = 0;
  {
    running_server gone;
    closed_port = gone.port();
  }
  auto options = quick(workload_mode::serial);
  options.n = 3;
  options.retries = 1;
  options.first_backoff = 1ms;
  const auto run =
      run_workload(options, http_sink_factory("http://127.0.0.1:" + std::to_string(closed_port) + "/add", 2));
  EXPECT_EQ(run.saved, 0U);
  EXPECT_EQ(run.failed, 3U);
  EXPECT_EQ(count_of(run.errors_by_kind, failure_kind::refused), 6U);
}

TEST(workload_e2e, a_sink_url_that_is_not_http_or_https_is_refused_at_once) {
  EXPECT_THROW(http_sink_factory("ftp://127.0.0.1/add", 1), std::invalid_argument);
  EXPECT_THROW(http_sink_factory("https://127.0.0.1/add", 1, workload_options{}.save_timeout,
                                 tls_client_options{.verify = true, .ca_file = "/nonexistent/ca.pem"}),
               std::invalid_argument);
  EXPECT_THROW(http_sink_factory("not a url", 1), std::invalid_argument);
}
