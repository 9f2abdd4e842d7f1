// One run spread over shards: each shard's part of the options adds up to the whole,
// and the shards' results merge into exactly what one process would have counted.
#include "overlap/crawl_shards.hpp"
#include "overlap/result_files.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

using namespace overlap;
using namespace std::chrono_literals;

namespace {

crawl_options whole_run() {
  crawl_options o;
  o.base_url = "http://127.0.0.1:8080/add?name=x&delay=100&";
  o.n = 1003;
  o.concurrency = 10;
  o.rate = 1000.0;
  o.delay = 100ms;
  return o;
}

/// A shard's result with `values` (microseconds) as its requests' latencies.
crawl_result shard_result(const crawl_options& whole, shard_spec shard, const std::vector<std::uint64_t>& values,
                          double started_at, double seconds) {
  const auto part = shard_options(whole, shard);
  crawl_result r;
  r.strategy = whole.strategy;
  r.delay = whole.delay;
  r.n = part.n;
  r.concurrency = part.concurrency;
  r.succeeded = values.size();
  r.result = values.size();
  r.failed = part.n - values.size();
  r.statuses[200] = values.size();
  if (r.failed > 0) {
    r.statuses[503] = r.failed;
    r.failed_statuses[503] = r.failed;
    r.errors_by_kind[static_cast<std::size_t>(failure_kind::status)] = 3 * r.failed;
    r.retries = 2 * r.failed;
  }
  r.connections = part.concurrency;
  for (auto us : values) {
    r.latency_histogram.record_us(us);
  }
  r.latency = summary_of(r.latency_histogram);
  auto& open = r.open_model.emplace();
  open.rate = *part.rate;
  open.achieved_rate = *part.rate - 1;
  for (auto us : values) {
    open.corrected_histogram.record_us(us + 500);
  }
  open.corrected = summary_of(open.corrected_histogram);
  open.lateness_histogram.record_us(5, part.n);
  open.queued = shard.index;
  open.late_starts = 1;
  open.sent_per_second = std::vector<std::size_t>(shard.index + 1, 10);
  r.started_at = started_at;
  r.seconds = seconds;
  r.shard = shard_run_of(whole, shard);
  return r;
}

std::vector<crawl_result> four_shards(const crawl_options& whole, hdr_histogram& all, hdr_histogram& all_corrected) {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> latency(11.5, 0.6); // about 100 ms, a long tail
  std::vector<crawl_result> parts;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto n = shard_options(whole, {i, 4}).n;
    std::vector<std::uint64_t> values;
    for (std::size_t j = 0; j + i < n; ++j) { // shard i has i failures
      values.push_back(static_cast<std::uint64_t>(latency(random)));
      all.record_us(values.back());
      all_corrected.record_us(values.back() + 500);
    }
    parts.push_back(shard_result(whole, {i, 4}, values, 1000.0 + 0.001 * static_cast<double>(i), 2.0 - 0.1 * i));
  }
  return parts;
}

} // namespace

TEST(crawl_shards, n_c_and_the_rate_split_with_the_remainders_spread_so_the_totals_are_exact) {
  const auto whole = whole_run();
  std::size_t n = 0, c = 0;
  double rate = 0;
  std::vector<std::size_t> ns;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto part = shard_options(whole, {i, 4});
    ns.push_back(part.n);
    n += part.n;
    c += part.concurrency;
    rate += *part.rate;
  }
  EXPECT_EQ(ns, (std::vector<std::size_t>{251, 251, 251, 250}));
  EXPECT_EQ(n, whole.n);
  EXPECT_EQ(c, whole.concurrency);
  EXPECT_DOUBLE_EQ(rate, *whole.rate);
  EXPECT_EQ(shard_options(whole, {1, 4}).concurrency, 3u); // 10 = 3 + 3 + 2 + 2
  EXPECT_EQ(shard_options(whole, {3, 4}).concurrency, 2u);
}

TEST(crawl_shards, a_url_list_shard_fetches_the_whole_runs_requests_i_plus_j_times_k) {
  auto whole = whole_run();
  for (char c : std::string("abcdef")) {
    whole.targets.push_back({.url = std::string("http://127.0.0.1/") + c, .method = {}, .body = {}});
  }
  const auto part = shard_options(whole, {1, 4}); // whole requests 1, 5, 9, 13: targets b, f, d, b, ...
  std::vector<std::string> urls;
  for (const auto& t : part.targets) {
    urls.push_back(t.url.substr(t.url.size() - 1));
  }
  EXPECT_EQ(urls, (std::vector<std::string>{"b", "f", "d"}));
  EXPECT_NE(target_identity(whole), target_identity(whole_run()));
  EXPECT_EQ(target_identity(whole).substr(0, 5), "urls ");
}

TEST(crawl_shards, the_shard_placeholder_becomes_the_index_everywhere_it_appears) {
  EXPECT_EQ(with_shard_index("list-{shard}.txt", 3), "list-3.txt");
  EXPECT_EQ(with_shard_index("http://host-{shard}:8080/add?name=s{shard}&", 12), "http://host-12:8080/add?name=s12&");
  EXPECT_EQ(with_shard_index("plain.txt", 3), "plain.txt");
  EXPECT_EQ(with_shard_index("{shard}", 0), "0");
  EXPECT_EQ(with_shard_index("{shar}{shard}}", 1), "{shar}1}");
  EXPECT_TRUE(names_shard("a{shard}"));
  EXPECT_FALSE(names_shard("a{random}"));
}

TEST(crawl_shards, a_shard_placeholder_without_a_shard_is_refused_in_one_line) {
  try {
    find_per_shard_target("", "list-{shard}.txt", "", false, false);
    ADD_FAILURE() << "a {shard} list without --shard was taken";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--urls list-{shard}.txt"), std::string::npos) << what;
    EXPECT_NE(what.find("--shard"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_THROW(find_per_shard_target("http://h-{shard}/", "", "", true, false), std::invalid_argument);
  EXPECT_THROW(find_per_shard_target("http://h/", "", "body-{shard}", true, false), std::invalid_argument);
  EXPECT_TRUE(find_per_shard_target("http://h/", "list.txt", "body", false, false).empty());
  const auto per_shard = find_per_shard_target("", "list-{shard}.txt", "", false, true);
  EXPECT_EQ(per_shard.urls_file, "list-{shard}.txt");
  EXPECT_TRUE(per_shard.own_list_once); // no -n: each shard's list once
  EXPECT_FALSE(find_per_shard_target("", "list-{shard}.txt", "", true, true).own_list_once);
  EXPECT_FALSE(find_per_shard_target("http://h-{shard}/", "", "", false, true).own_list_once);
}

namespace {

/// Shard `index`'s own list, as `list-{shard}.txt` would give it: `size` URLs on its host.
crawl_options own_list_run(std::size_t index, std::size_t size, std::size_t n) {
  auto whole = whole_run();
  whole.n = n;
  for (std::size_t j = 0; j < size; ++j) {
    whole.targets.push_back(
        {.url = "http://host-" + std::to_string(index) + "/" + std::to_string(j), .method = {}, .body = {}});
  }
  return whole;
}

} // namespace

TEST(crawl_shards, a_shard_with_its_own_list_cycles_all_of_it_over_its_part_of_n) {
  const auto per_shard = find_per_shard_target("", "list-{shard}.txt", "", true, true);
  std::size_t n = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto part = shard_options(own_list_run(i, 5, 100), {i, 3}, per_shard);
    n += part.n;
    ASSERT_EQ(part.targets.size(), 5u); // not sliced: its whole list, from its first URL
    EXPECT_EQ(part.targets.front().url, "http://host-" + std::to_string(i) + "/0");
    const auto run = shard_run_of(own_list_run(i, 5, 100), {i, 3}, per_shard);
    EXPECT_EQ(run.target, "urls per shard list-{shard}.txt");
    EXPECT_EQ(run.n, 100u);
  }
  EXPECT_EQ(n, 100u); // N split as usual: 34 + 33 + 33
}

TEST(crawl_shards, a_shard_with_its_own_list_and_no_n_fetches_it_once_and_the_runs_n_is_the_sum) {
  const auto per_shard = find_per_shard_target("", "list-{shard}.txt", "", false, true);
  std::vector<crawl_result> parts;
  std::size_t sizes = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t size = 1 + i; // shorter lists than shards are fine: nothing is split
    sizes += size;
    const auto whole = own_list_run(i, size, size);
    const auto part = shard_options(whole, {i, 3}, per_shard);
    EXPECT_EQ(part.n, size);
    EXPECT_EQ(part.targets.size(), size);
    crawl_result r;
    r.n = part.n;
    r.succeeded = part.n;
    r.result = part.n;
    r.concurrency = part.concurrency;
    r.shard = shard_run_of(whole, {i, 3}, per_shard);
    EXPECT_FALSE(r.shard->n); // no shard knows the others' lists
    EXPECT_EQ(r.shard->target, "urls per shard list-{shard}.txt");
    parts.push_back(r);
  }
  const auto merged = merge_crawl_results(parts);
  EXPECT_EQ(merged.n, sizes);
  EXPECT_EQ(merged.succeeded, sizes);
  EXPECT_EQ(merged.concurrency, whole_run().concurrency);
  // A shard of the same lists with -n, or of one list for all, is of another run.
  auto with_n = parts;
  with_n[1].shard->n = 6;
  EXPECT_THROW(merge_crawl_results(with_n), std::invalid_argument);
  auto one_list = parts;
  one_list[2].shard->target = target_identity(own_list_run(2, 3, 3));
  EXPECT_THROW(merge_crawl_results(one_list), std::invalid_argument);
}

TEST(crawl_shards, a_run_bounded_by_its_duration_only_records_no_run_n) {
  auto whole = whole_run();
  whole.n = std::numeric_limits<std::size_t>::max();
  whole.duration = 10s;
  EXPECT_EQ(shard_options(whole, {1, 4}).n, whole.n); // each shard until the duration is over
  EXPECT_FALSE(shard_run_of(whole, {1, 4}).n);
  EXPECT_EQ(shard_run_of(whole_run(), {1, 4}).n, whole_run().n);
}

TEST(crawl_shards, a_per_shard_url_is_split_as_usual_and_named_by_its_template) {
  const auto per_shard =
      find_per_shard_target("http://host-{shard}:8080/add?name=s{shard}&delay=100&", "", "", false, true);
  auto whole = whole_run();
  whole.base_url = with_shard_index(per_shard.url, 1);
  const auto part = shard_options(whole, {1, 4}, per_shard);
  EXPECT_EQ(part.base_url, "http://host-1:8080/add?name=s1&delay=100&");
  EXPECT_EQ(part.n, 251u);
  const auto run = shard_run_of(whole, {1, 4}, per_shard);
  EXPECT_EQ(run.target, "url per shard http://host-{shard}:8080/add?name=s{shard}&delay=100&");
  EXPECT_EQ(run.n, whole.n);
  // A body file of its own leaves the identity of one URL for all.
  const auto body_only = find_per_shard_target("http://h/", "", "body-{shard}.json", true, true);
  EXPECT_EQ(target_identity(whole, body_only), target_identity(whole));
}

TEST(crawl_shards, too_few_requests_or_connections_for_the_shards_are_refused) {
  auto whole = whole_run();
  whole.concurrency = 3;
  EXPECT_THROW(shard_options(whole, {0, 4}), std::invalid_argument);
  whole.concurrency = 8;
  whole.n = 3;
  EXPECT_THROW(shard_options(whole, {0, 4}), std::invalid_argument);
}

TEST(crawl_shards, a_shard_is_index_slash_count_with_the_index_below_the_count) {
  EXPECT_EQ(parse_shard_spec("2/4"), (shard_spec{2, 4}));
  EXPECT_EQ(parse_shard_spec("0/1"), (shard_spec{0, 1}));
  for (const auto* bad : {"3/2", "2/2", "0/0", "a/2", "1", "1/", "/2", "-1/2", "1/2/3", "0/100001"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_shard_spec(bad), std::invalid_argument);
  }
  try {
    parse_shard_spec("3/2");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("below the count"), std::string::npos) << e.what();
  }
}

TEST(crawl_shards, merged_percentiles_equal_those_of_one_histogram_of_every_request_and_counts_are_exact) {
  const auto whole = whole_run();
  hdr_histogram all, all_corrected;
  const auto merged = merge_crawl_results(four_shards(whole, all, all_corrected));
  EXPECT_EQ(merged.n, whole.n);
  EXPECT_EQ(merged.concurrency, whole.concurrency);
  EXPECT_EQ(merged.failed, 0u + 1 + 2 + 3);
  EXPECT_EQ(merged.succeeded, whole.n - 6);
  EXPECT_EQ(merged.result, whole.n - 6);
  EXPECT_EQ(merged.statuses, (std::map<int, std::size_t>{{200, whole.n - 6}, {503, 6}}));
  EXPECT_EQ(merged.failed_statuses, (std::map<int, std::size_t>{{503, 6}}));
  EXPECT_EQ(merged.errors_by_kind[static_cast<std::size_t>(failure_kind::status)], 18u);
  EXPECT_EQ(merged.retries, 12u);
  EXPECT_EQ(merged.connections, whole.concurrency);
  EXPECT_EQ(merged.latency_histogram, all);
  EXPECT_EQ(merged.latency.p50_ms, all.percentile_ms(50));
  EXPECT_EQ(merged.latency.p99_ms, all.percentile_ms(99));
  EXPECT_EQ(merged.latency.p99_99_ms, all.percentile_ms(99.99));
  EXPECT_EQ(merged.latency.max_ms, summary_of(all).max_ms);
  ASSERT_TRUE(merged.open_model);
  EXPECT_DOUBLE_EQ(merged.open_model->rate, *whole.rate);
  EXPECT_DOUBLE_EQ(*merged.open_model->achieved_rate, *whole.rate - 4);
  EXPECT_EQ(merged.open_model->corrected_histogram, all_corrected);
  EXPECT_EQ(merged.open_model->corrected.p99_ms, all_corrected.percentile_ms(99));
  EXPECT_EQ(merged.open_model->lateness_histogram.count(), whole.n);
  EXPECT_EQ(merged.open_model->queued, 0u + 1 + 2 + 3);
  EXPECT_EQ(merged.open_model->late_starts, 4u);
  EXPECT_EQ(merged.open_model->sent_per_second, (std::vector<std::size_t>{40, 30, 20, 10}));
  // From the earliest start (shard 0 at 1000.000) to the latest end (shard 0 at 1002.0).
  EXPECT_DOUBLE_EQ(merged.started_at, 1000.0);
  EXPECT_NEAR(merged.seconds, 2.0, 1e-9);
  ASSERT_EQ(merged.shards.size(), 4u);
  EXPECT_EQ(merged.shards[3].index, 3u);
  EXPECT_EQ(merged.shards[3].failed, 3u);
  EXPECT_EQ(merged.shards[3].errors, 9u);
  EXPECT_FALSE(merged.shard);
  EXPECT_EQ(merged.limit_seconds(), std::max(limit_seconds(whole.n, whole.concurrency, 100ms),
                                             (static_cast<double>(whole.n) - 1) / *whole.rate + 0.1));
}

TEST(crawl_shards, shards_given_in_any_order_merge_to_the_same_result) {
  const auto whole = whole_run();
  hdr_histogram all, all_corrected;
  auto parts = four_shards(whole, all, all_corrected);
  const auto in_order = merge_crawl_results(parts);
  std::swap(parts[0], parts[3]);
  std::swap(parts[1], parts[2]);
  const auto reversed = merge_crawl_results(parts);
  EXPECT_EQ(reversed.latency_histogram, in_order.latency_histogram);
  EXPECT_EQ(reversed.shards, in_order.shards);
  EXPECT_EQ(reversed.seconds, in_order.seconds);
}

TEST(crawl_shards, timelines_join_on_one_clock_with_each_span_marked_by_its_shard) {
  const auto whole = whole_run();
  hdr_histogram all, all_corrected;
  auto parts = four_shards(whole, all, all_corrected); // shard i started at 1000 + i ms
  for (auto& part : parts) {
    for (std::uint64_t j = 0; j < part.n; ++j) { // request j of each shard at 10 ms x j of its own clock
      part.timeline.push_back({j, 0.01 * static_cast<double>(j), 0.01 * static_cast<double>(j) + 0.1, 200, 1});
    }
  }
  const auto merged = merge_crawl_results(parts);
  ASSERT_EQ(merged.timeline.size(), whole.n);
  std::vector<bool> seen(whole.n, false);
  for (std::size_t k = 0; k < merged.timeline.size(); ++k) {
    const auto& s = merged.timeline[k];
    ASSERT_LT(s.index, whole.n);
    EXPECT_FALSE(seen[s.index]) << "request " << s.index << " twice";
    seen[s.index] = true;
    EXPECT_EQ(s.index % 4, s.shard) << "shard i makes the run's requests i, i+4, ...";
    const double j = static_cast<double>(s.index / 4);
    EXPECT_NEAR(s.start, 0.01 * j + 0.001 * s.shard, 1e-9) << "on the clock of the earliest start";
    EXPECT_NEAR(s.end - s.start, 0.1, 1e-9);
    if (k > 0) {
      EXPECT_LE(merged.timeline[k - 1].start, s.start) << "in time order";
    }
  }
  const auto run = timeline_of(merged);
  EXPECT_EQ(run.shards, 4u);
  EXPECT_FALSE(run.shard);
  EXPECT_DOUBLE_EQ(run.started_at, 1000.0);
}

TEST(crawl_shards, a_missing_or_repeated_shard_or_shards_of_different_runs_are_refused) {
  const auto whole = whole_run();
  hdr_histogram all, all_corrected;
  const auto parts = four_shards(whole, all, all_corrected);
  auto expect_refused = [](std::vector<crawl_result> p, const std::string& words) {
    try {
      merge_crawl_results(std::move(p));
      ADD_FAILURE() << "merged: expected '" << words << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_refused({parts[0], parts[1], parts[3]}, "shard 2 of 4 is missing");
  expect_refused({parts[0], parts[1], parts[1], parts[3]}, "shard 1 of 4 is given twice");
  auto other_url = parts;
  other_url[2].shard->target = "url http://127.0.0.1:9090/add?delay=100&";
  expect_refused(other_url, "different runs: targets");
  auto other_n = parts;
  other_n[1].shard->n = 2000;
  expect_refused(other_n, "different runs");
  auto other_strategy = parts;
  other_strategy[1].strategy = crawl_strategy::curl;
  expect_refused(other_strategy, "strategies coroutine and curl");
  auto not_a_shard = parts;
  not_a_shard[1].shard.reset();
  expect_refused(not_a_shard, "some results are shards");
  expect_refused({merge_crawl_results(parts)}, "cannot be merged again");
  expect_refused({}, "nothing to merge");
}

TEST(crawl_shards, a_start_time_is_epoch_seconds_or_rfc3339_utc_and_not_far_off) {
  using clock = std::chrono::system_clock;
  const auto now = clock::time_point(std::chrono::seconds(1'795'503'900));
  EXPECT_EQ(parse_start_time("1795503925.5", now), clock::time_point(std::chrono::milliseconds(1'795'503'925'500)));
  // 1795503925 is 2026-11-24T07:05:25Z.
  EXPECT_EQ(parse_start_time("2026-11-24T07:05:25Z", now), clock::time_point(std::chrono::seconds(1'795'503'925)));
  EXPECT_EQ(parse_start_time("2026-11-24T07:05:25.250+00:00", now),
            clock::time_point(std::chrono::milliseconds(1'795'503'925'250)));
  EXPECT_EQ(parse_start_time("1795503897", now), clock::time_point(std::chrono::seconds(1'795'503'897))); // 3 s late
  for (const auto* bad : {"1795507501", "1795503890", "tomorrow", "2026-11-24T07:05:25", "2026-13-24T05:45:25Z",
                          "2026-11-24T07:05:25+01:00", "", "nan", "1e300"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_start_time(bad, now), std::invalid_argument);
  }
}
