// Every file kind round-trips: what a command writes, overlap report's reader reads back
// field for field (and writing what was read gives the same text again).
#include "overlap/result_files.hpp"

#include "report/inputs.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cmath>
#include <limits>
#include <sstream>

using namespace overlap;
using namespace std::chrono_literals;

namespace {

run_header header_for(std::string command) {
  run_header h;
  h.command = std::move(command);
  h.argv = "overlap x --json \"out.json\"";
  h.date = "2026-01-01T00:00:00Z";
  h.machine = machine_info{2, "cpu \"model\"", "Debian", "g++ 12"};
  return h;
}

// Through the report's reader, as `overlap report` reads a file from disk.
result_file read_back(const result_file& written) {
  return report::parse_input(result_file_text(written), "round-trip.json").contents;
}

void expect_same_header(const run_header& a, const run_header& b) {
  EXPECT_EQ(a.command, b.command);
  EXPECT_EQ(a.argv, b.argv);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.machine.cpus, b.machine.cpus);
  EXPECT_EQ(a.machine.cpu_model, b.machine.cpu_model);
  EXPECT_EQ(a.machine.os, b.machine.os);
  EXPECT_EQ(a.machine.compiler, b.machine.compiler);
  EXPECT_EQ(a.interrupted, b.interrupted);
}

void expect_same(const crawl_result& a, const crawl_result& b) {
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.concurrency, b.concurrency);
  EXPECT_EQ(a.delay, b.delay);
  EXPECT_EQ(a.result, b.result);
  EXPECT_EQ(a.seconds, b.seconds);
  EXPECT_EQ(a.succeeded, b.succeeded);
  EXPECT_EQ(a.failed, b.failed);
  EXPECT_EQ(a.failed_statuses, b.failed_statuses);
  EXPECT_EQ(a.statuses, b.statuses);
  EXPECT_EQ(a.timed, b.timed);
  EXPECT_EQ(a.errors_by_kind, b.errors_by_kind);
  EXPECT_EQ(a.retries, b.retries);
  EXPECT_EQ(a.connections, b.connections);
  ASSERT_EQ(a.tls.has_value(), b.tls.has_value());
  if (a.tls) {
    EXPECT_EQ(a.tls->handshakes, b.tls->handshakes);
    EXPECT_EQ(a.tls->resumed, b.tls->resumed);
    EXPECT_EQ(a.tls->failed, b.tls->failed);
    EXPECT_EQ(a.tls->failure, b.tls->failure);
  }
  EXPECT_EQ(a.latency.p50_ms, b.latency.p50_ms);
  EXPECT_EQ(a.latency.p90_ms, b.latency.p90_ms);
  EXPECT_EQ(a.latency.p99_ms, b.latency.p99_ms);
  EXPECT_EQ(a.latency.max_ms, b.latency.max_ms);
  EXPECT_EQ(a.latency.p99_9_ms, b.latency.p99_9_ms);
  EXPECT_EQ(a.latency.p99_99_ms, b.latency.p99_99_ms);
  EXPECT_EQ(a.latency_histogram, b.latency_histogram);
  ASSERT_EQ(a.open_model.has_value(), b.open_model.has_value());
  if (a.open_model) {
    const auto &x = *a.open_model, &y = *b.open_model;
    EXPECT_EQ(x.rate, y.rate);
    EXPECT_EQ(x.achieved_rate, y.achieved_rate);
    EXPECT_EQ(x.corrected.p99_ms, y.corrected.p99_ms);
    EXPECT_EQ(x.corrected.p99_99_ms, y.corrected.p99_99_ms);
    EXPECT_EQ(x.corrected_histogram, y.corrected_histogram);
    EXPECT_EQ(x.lateness_histogram, y.lateness_histogram);
    EXPECT_EQ(x.late_starts, y.late_starts);
    EXPECT_EQ(x.queued, y.queued);
    EXPECT_EQ(x.sent_per_second, y.sent_per_second);
  }
  EXPECT_EQ(a.extrapolated, b.extrapolated);
  EXPECT_EQ(a.started_at, b.started_at);
  EXPECT_EQ(a.shard, b.shard);
  EXPECT_EQ(a.shards, b.shards);
  EXPECT_EQ(a.limit_seconds(), b.limit_seconds());
  EXPECT_EQ(a.efficiency(), b.efficiency());
  EXPECT_EQ(a.requests_per_second(), b.requests_per_second());
}

crawl_result a_crawl_run(crawl_strategy strategy) {
  crawl_result r;
  r.strategy = strategy;
  r.n = 1000;
  r.concurrency = 100;
  r.delay = 100ms;
  r.result = 997;
  r.seconds = 1.0123456789012345;
  r.succeeded = 997;
  r.failed = 3;
  r.failed_statuses = {{400, 1}, {503, 2}};
  r.statuses = {{200, 997}, {400, 1}, {503, 2}};
  r.timed = true;
  for (std::size_t k = 0; k < r.errors_by_kind.size(); ++k) {
    r.errors_by_kind[k] = k + 1; // every kind, whatever all_failure_kinds holds
  }
  r.retries = 7;
  r.connections = 101;
  for (std::uint64_t us = 100'000; us < 102'400; us += 7) {
    r.latency_histogram.record_us(us);
  }
  r.latency = summary_of(r.latency_histogram);
  r.extrapolated = strategy == crawl_strategy::serial;
  return r;
}

} // namespace

TEST(result_files, a_crawl_result_reads_back_field_for_field) {
  crawl_results body;
  for (auto s : all_crawl_strategies()) {
    body.runs.push_back(a_crawl_run(s));
  }
  body.runs[1].delay.reset();                                              // unknown delay: no limit
  body.runs[2].succeeded = 0;                                              // nothing succeeded: no efficiency, no rate
  body.runs[3].tls = tls_handshake_counts{.handshakes = 10, .resumed = 9}; // https://
  body.runs[4].tls = tls_handshake_counts{.failed = 3, .failure = "certificate verify failed"}; // and refused
  auto& open = body.runs[4].open_model.emplace();                                               // a paced run
  open.rate = 1234.5;
  open.achieved_rate = 1230.25;
  open.corrected_histogram.record_us(250'000, 900);
  open.corrected_histogram.record_us(1'700'000, 100);
  open.corrected = summary_of(open.corrected_histogram);
  open.lateness_histogram.record_us(3, 999);
  open.lateness_histogram.record_us(2'500);
  open.late_starts = 1;
  open.queued = 100;
  open.sent_per_second = {1234, 1235, 0, 7};
  body.runs[0].started_at = 1795503925.125; // a shard of a run spread over processes
  body.runs[0].shard = shard_run{.shard = {.index = 2, .count = 3},
                                 .target = "url http://127.0.0.1:8080/add?delay=100&",
                                 .n = 3000,
                                 .concurrency = 300,
                                 .rate = 99.5,
                                 .start_at = 1795503925.0};
  body.runs[1].shard = shard_run{.shard = {.index = 0, .count = 2}, // each shard's own list, once: no run n
                                 .target = "urls per shard list-{shard}.txt",
                                 .n = std::nullopt,
                                 .concurrency = 100};
  body.runs[2].shards = {
      shard_outcome{.index = 0, .n = 500, .succeeded = 500, .result = 500, .seconds = 1.5, .started_at = 1795503925.25},
      shard_outcome{.index = 1,
                    .n = 500,
                    .failed = 500,
                    .errors = 1500,
                    .seconds = 0.25,
                    .started_at = 1795503925.5,
                    .error = "connection refused"}};
  const result_file written{header_for("crawl"), body};
  const auto read = read_back(written);
  expect_same_header(read.header, written.header);
  const auto& runs = std::get<crawl_results>(read.body).runs;
  ASSERT_EQ(runs.size(), body.runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE(i);
    expect_same(runs[i], body.runs[i]);
  }
  EXPECT_EQ(result_file_text(read), result_file_text(written));
}

TEST(result_files, a_file_written_before_histograms_reads_with_empty_ones) {
  auto doc =
      boost::json::parse(result_file_text({header_for("crawl"), crawl_results{{a_crawl_run(crawl_strategy::curl)}}}));
  auto& run = doc.at("runs").at(0).as_object();
  run.erase("latency_histogram");
  run.at("latency_ms").as_object().erase("p99_9");
  run.at("latency_ms").as_object().erase("p99_99");
  const auto read = read_result_file(boost::json::serialize(doc), "old.json");
  const auto& r = std::get<crawl_results>(read.body).runs.at(0);
  EXPECT_EQ(r.latency_histogram.count(), 0u);
  EXPECT_FALSE(r.latency.p99_9_ms);
  EXPECT_FALSE(r.open_model);
}

TEST(result_files, a_plain_http_run_has_no_tls_field_and_more_resumed_than_handshakes_is_refused) {
  const result_file plain{header_for("crawl"), crawl_results{{a_crawl_run(crawl_strategy::coroutine)}}};
  const auto text = result_file_text(plain);
  EXPECT_FALSE(boost::json::parse(text).at("runs").at(0).as_object().contains("tls")) << text;

  crawl_result https = a_crawl_run(crawl_strategy::coroutine);
  https.tls = tls_handshake_counts{.handshakes = 1, .resumed = 2};
  const auto bad = result_file_text({header_for("crawl"), crawl_results{{https}}});
  EXPECT_THROW(read_result_file(bad, "bad.json"), result_file_error);
}

TEST(result_files, an_interrupted_run_says_so_in_every_file_kind_and_a_whole_one_does_not) {
  crawl_result crawl = a_crawl_run(crawl_strategy::coroutine);
  crawl.timeline = {{0, 0.001, 0.101, 200, 1}};
  sweep_options sweep;
  sweep.n = 10;
  sweep.delays = {50ms};
  sweep.concurrencies = {1, 2};
  const std::vector<result_file> files{{header_for("crawl"), crawl_results{{crawl}}},
                                       {header_for("workload"), workload_results{}},
                                       {header_for("sweep"), sweep_results_of(sweep, {{50ms, 1, 0.5, 0.5, 0}})},
                                       {header_for("crawl"), timelines{{timeline_of(crawl)}}}};
  for (const auto& file : files) {
    SCOPED_TRACE(std::string(file.header.command) + " " + std::string(kind_of(file)));
    for (const bool interrupted : {true, false}) {
      result_file written = file;
      written.header.interrupted = interrupted;
      const auto text = result_file_text(written);
      EXPECT_EQ(boost::json::parse(text).as_object().contains("interrupted"), interrupted) << text;
      const auto read = read_back(written);
      expect_same_header(read.header, written.header);
      EXPECT_EQ(result_file_text(read), text);
    }
  }
}

TEST(result_files, failed_statuses_are_optional_on_reading_and_must_be_http_statuses) {
  crawl_results body{{a_crawl_run(crawl_strategy::coroutine)}};
  auto doc = boost::json::parse(result_file_text({header_for("crawl"), body}));
  auto& run = doc.at("runs").at(0).as_object();
  EXPECT_EQ(run.at("failed_statuses").at("503").as_int64(), 2);
  EXPECT_EQ(run.at("statuses").at("200").as_int64(), 997);
  run.erase("failed_statuses"); // a file written before the fields existed
  run.erase("statuses");
  run.erase("timed");
  const auto older = read_result_file(boost::json::serialize(doc), "older.json");
  EXPECT_TRUE(std::get<crawl_results>(older.body).runs.at(0).failed_statuses.empty());
  EXPECT_TRUE(std::get<crawl_results>(older.body).runs.at(0).statuses.empty());
  EXPECT_FALSE(std::get<crawl_results>(older.body).runs.at(0).timed);
  run["failed_statuses"] = boost::json::object{{"teapot", 1}};
  try {
    read_result_file(boost::json::serialize(doc), "bad.json");
    FAIL() << "read a status that is not a number";
  } catch (const result_file_error& e) {
    EXPECT_NE(std::string(e.what()).find("teapot"), std::string::npos) << e.what();
  }
}

TEST(result_files, derived_crawl_figures_are_written_null_when_they_do_not_exist) {
  crawl_results body{{a_crawl_run(crawl_strategy::coroutine), a_crawl_run(crawl_strategy::curl)}};
  body.runs[0].delay.reset();
  body.runs[1].succeeded = 0;
  const auto doc = boost::json::parse(result_file_text({header_for("crawl"), body}));
  EXPECT_EQ(doc.at("format").as_int64(), format_version);
  EXPECT_TRUE(doc.at("runs").at(0).at("delay_ms").is_null());
  EXPECT_TRUE(doc.at("runs").at(0).at("limit_seconds").is_null());
  EXPECT_TRUE(doc.at("runs").at(0).at("efficiency").is_null());
  EXPECT_DOUBLE_EQ(doc.at("runs").at(1).at("limit_seconds").to_number<double>(), 1.0);
  EXPECT_TRUE(doc.at("runs").at(1).at("efficiency").is_null());
  EXPECT_TRUE(doc.at("runs").at(1).at("requests_per_second").is_null());
}

TEST(result_files, a_workload_result_reads_back_field_for_field) {
  workload_results body;
  for (auto mode : all_workload_modes()) {
    workload_result r;
    r.mode = mode;
    r.n = 600;
    r.difficulty = 8;
    r.seconds = 9.5 + static_cast<double>(r.n % 7);
    r.sent = 610;
    r.saved = 600;
    r.retried = 10;
    r.failed = 0;
    count_of(r.errors_by_kind, failure_kind::refused) = 4;
    count_of(r.errors_by_kind, failure_kind::status) = 6;
    r.batch_size = 100;
    r.concurrency = 50;
    r.workers = mode == workload_mode::threads ? 4 : 1;
    body.runs.push_back(r);
  }
  body.calibration = {{8, 0.0156}, {12, 0.2487}};
  const result_file written{header_for("workload"), body};
  const auto read = read_back(written);
  expect_same_header(read.header, written.header);
  const auto& got = std::get<workload_results>(read.body);
  ASSERT_EQ(got.runs.size(), body.runs.size());
  for (std::size_t i = 0; i < got.runs.size(); ++i) {
    const auto &a = got.runs[i], &b = body.runs[i];
    EXPECT_EQ(a.mode, b.mode);
    EXPECT_EQ(a.n, b.n);
    EXPECT_EQ(a.difficulty, b.difficulty);
    EXPECT_EQ(a.seconds, b.seconds);
    EXPECT_EQ(a.sent, b.sent);
    EXPECT_EQ(a.saved, b.saved);
    EXPECT_EQ(a.retried, b.retried);
    EXPECT_EQ(a.failed, b.failed);
    EXPECT_EQ(a.errors_by_kind, b.errors_by_kind);
    EXPECT_EQ(a.batch_size, b.batch_size);
    EXPECT_EQ(a.concurrency, b.concurrency);
    EXPECT_EQ(a.workers, b.workers);
  }
  EXPECT_EQ(got.calibration, body.calibration);
  EXPECT_EQ(result_file_text(read), result_file_text(written));
}

TEST(result_files, a_sweep_reads_back_field_for_field_and_says_when_it_is_partial) {
  sweep_options options;
  options.n = 40;
  options.delays = {10ms, 30ms};
  options.concurrencies = {1, 8, 40, 100};
  std::vector<sweep_point> points{{10ms, 1, 0.41, 0.4, 0}, {10ms, 8, 0.052, 0.05, 2}, {10ms, 40, 0.011, 0.01, 0}};
  const result_file written{header_for("sweep"), sweep_results_of(options, points)};
  const auto read = read_back(written);
  expect_same_header(read.header, written.header);
  const auto& got = std::get<sweep_results>(read.body);
  EXPECT_EQ(got.strategy, options.strategy);
  EXPECT_EQ(got.n, 40U);
  EXPECT_TRUE(got.partial) << "3 of 6 points";
  EXPECT_EQ(got.skipped_concurrencies, (std::vector<std::size_t>{100}));
  ASSERT_EQ(got.points.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(got.points[i].delay, points[i].delay);
    EXPECT_EQ(got.points[i].concurrency, points[i].concurrency);
    EXPECT_EQ(got.points[i].seconds, points[i].seconds);
    EXPECT_EQ(got.points[i].limit_seconds, points[i].limit_seconds);
    EXPECT_EQ(got.points[i].errors, points[i].errors);
  }
  EXPECT_EQ(result_file_text(read), result_file_text(written));
}

TEST(result_files, a_rate_sweep_reads_back_field_for_field) {
  rate_sweep_options options;
  options.rates = {100, 400.5, 800};
  options.delay = 20ms;
  options.concurrency = 4;
  options.point_time = 500ms;
  rate_point calm{.rate = 100, .achieved_rate = 99.5, .delay = 20ms, .concurrency = 4, .n = 50};
  calm.corrected = {20.5, 21, 28.5, 29, 29, 29};
  calm.uncorrected = {20.25, 20.5, 24, 25, 25, 25};
  rate_point over = calm;
  over.rate = 400.5;
  over.achieved_rate.reset();
  over.n = 200;
  over.corrected.p99_ms = 336.5;
  over.errors = 2;
  over.late_starts = 3;
  over.queued = 146;
  const result_file written{header_for("sweep"), sweep_results_of(options, {calm, over})};
  const auto read = read_back(written);
  const auto& got = std::get<sweep_results>(read.body);
  EXPECT_TRUE(got.by_rate);
  EXPECT_TRUE(got.partial) << "2 of 3 rates";
  EXPECT_EQ(got.n, 400u) << "the largest point's requests: 800/s for 0.5 s";
  EXPECT_EQ(got.capacity_rps, 200.0);
  EXPECT_TRUE(got.points.empty());
  ASSERT_EQ(got.rate_points.size(), 2u);
  EXPECT_EQ(got.rate_points[1].rate, 400.5);
  EXPECT_FALSE(got.rate_points[1].achieved_rate);
  EXPECT_EQ(got.rate_points[1].corrected.p99_ms, 336.5);
  EXPECT_EQ(got.rate_points[1].uncorrected.p99_9_ms, 25);
  EXPECT_EQ(got.rate_points[1].queued, 146u);
  EXPECT_EQ(got.rate_points[1].errors, 2u);
  EXPECT_EQ(result_file_text(read), result_file_text(written));

  options.delay = 0ms; // no delay: no known capacity
  const auto text = result_file_text({header_for("sweep"), sweep_results_of(options, {})});
  EXPECT_TRUE(boost::json::parse(text).at("capacity_rps").is_null()) << text;
  EXPECT_TRUE(std::get<sweep_results>(read_back({header_for("sweep"), sweep_results_of(options, {})}).body).by_rate);
}

TEST(result_files, crawl_and_workload_timelines_read_back_span_for_span) {
  crawl_result crawl = a_crawl_run(crawl_strategy::coroutine);
  crawl.timeline = {{3, 0.001, 0.101, 200, 1}, {1, 0.002, 0.25, 503, 0}, {2, 0.003, 0.5, 0, 0}};
  constexpr auto none = std::numeric_limits<double>::quiet_NaN();
  workload_result work;
  work.mode = workload_mode::batch;
  work.n = 2;
  work.difficulty = 10;
  work.concurrency = 5;
  work.timeline = {{0.0, 0.062, 0.125, 0.225}, {0.063, 0.125, none, none}};
  for (const auto& [command, run] :
       {std::pair{"crawl", timeline_of(crawl)}, std::pair{"workload", timeline_of(work)}}) {
    SCOPED_TRACE(command);
    const result_file written{header_for(command), timelines{{run}}};
    const auto read = read_back(written);
    expect_same_header(read.header, written.header);
    const auto& got = std::get<timelines>(read.body).runs.at(0);
    EXPECT_EQ(got.label, run.label);
    EXPECT_EQ(got.n, run.n);
    EXPECT_EQ(got.concurrency, run.concurrency);
    EXPECT_EQ(got.delay_ms, run.delay_ms);
    EXPECT_EQ(got.difficulty, run.difficulty);
    ASSERT_EQ(got.spans.size(), run.spans.size());
    for (std::size_t i = 0; i < run.spans.size(); ++i) {
      EXPECT_EQ(got.spans[i].index, run.spans[i].index);
      EXPECT_EQ(got.spans[i].category, run.spans[i].category);
      EXPECT_NEAR(got.spans[i].start, run.spans[i].start, 5e-7) << "written to the microsecond";
      EXPECT_NEAR(got.spans[i].end, run.spans[i].end, 5e-7);
      EXPECT_EQ(got.spans[i].status, run.spans[i].status);
      EXPECT_EQ(got.spans[i].bytes, run.spans[i].bytes);
    }
    EXPECT_EQ(result_file_text(read), result_file_text(written));
  }
}

TEST(result_files, a_shards_timeline_and_a_merged_one_read_back_with_their_shards) {
  crawl_result shard = a_crawl_run(crawl_strategy::coroutine);
  shard.timeline = {{0, 0.001, 0.101, 200, 1}, {1, 0.002, 0.25, 200, 1}};
  shard.started_at = 1795503925.25;
  shard.shard = shard_run{.shard = {1, 3}, .target = "embedded", .n = 6, .concurrency = 3};
  crawl_result merged = a_crawl_run(crawl_strategy::coroutine);
  merged.timeline = {{0, 0.0, 0.1, 200, 1, span_category::request, 0},
                     {1, 0.003, 0.2, 200, 1, span_category::request, 2}};
  merged.started_at = 1795503925.5;
  merged.shards.resize(3);
  for (const auto& run : {timeline_of(shard), timeline_of(merged)}) {
    const result_file written{header_for("crawl"), timelines{{run}}};
    const auto read = read_back(written);
    const auto& got = std::get<timelines>(read.body).runs.at(0);
    EXPECT_DOUBLE_EQ(got.started_at, run.started_at);
    EXPECT_EQ(got.shard, run.shard);
    EXPECT_EQ(got.shards, run.shards);
    ASSERT_EQ(got.spans.size(), run.spans.size());
    for (std::size_t i = 0; i < run.spans.size(); ++i) {
      EXPECT_EQ(got.spans[i].shard, run.spans[i].shard);
    }
    EXPECT_EQ(result_file_text(read), result_file_text(written));
    // The library's conversion and the streaming writer say the same.
    EXPECT_EQ(boost::json::value_to<timeline_run>(boost::json::value_from(run)).shards, run.shards);
  }
  EXPECT_EQ(timeline_of(shard).shard, (shard_spec{1, 3}));
  EXPECT_EQ(timeline_of(merged).shards, 3u);
  const auto text = result_file_text({header_for("crawl"), timelines{{timeline_of(merged)}}});
  auto broken = text;
  broken.replace(broken.rfind("\"shard\": 2"), 11, "\"shard\": 3");
  EXPECT_THROW(read_result_file(broken, "broken.json"), result_file_error) << "a span's shard beyond the run's";
}

TEST(result_files, numbers_are_written_in_plain_form_for_people) {
  crawl_results body{{a_crawl_run(crawl_strategy::coroutine)}};
  body.runs[0].seconds = 0.1;
  const auto text = result_file_text({header_for("crawl"), body});
  EXPECT_NE(text.find(R"("seconds":0.1,)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("limit_seconds":1,)"), std::string::npos) << text;
  EXPECT_EQ(text.find("E-"), std::string::npos) << text;
}

TEST(result_files, a_newer_format_is_refused_by_name) {
  auto text = result_file_text({header_for("crawl"), crawl_results{}});
  const auto at = text.find("\"format\":1");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 10, "\"format\":99");
  try {
    read_result_file(text, "new.json");
    FAIL() << "read a format it does not know";
  } catch (const result_file_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("new.json: format: format 99 is not one this overlap reads", 0), 0U)
        << e.what();
  }
}
