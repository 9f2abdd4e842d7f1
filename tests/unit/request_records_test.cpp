#include "server/request_records.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace overlap::server;

TEST(request_records, json_is_the_books_metric_data_format) {
  request_records records(1);
  records.add(0, "gevent", 1.5, 2.0);
  records.add(0, "gevent", 1.25, 1.75);
  records.add(0, "a\"b", 3.0, 3.5);
  EXPECT_EQ(records.to_json(), "{\"a\\\"b\": [{\"start\": 3, \"end\": 3.5, \"dt\": 0.5}], "
                               "\"gevent\": [{\"start\": 1.25, \"end\": 1.75, \"dt\": 0.5}, "
                               "{\"start\": 1.5, \"end\": 2, \"dt\": 0.5}]}");
}

TEST(request_records, empty_records_are_an_empty_object) {
  request_records records(2);
  EXPECT_EQ(records.to_json(), "{}");
  EXPECT_EQ(records.size(), 0U);
}

TEST(request_records, epoch_seconds_keep_microseconds) {
  request_records records(1);
  records.add(0, "x", 1732420000.123456, 1732420000.223457);
  const auto json = records.to_json();
  EXPECT_NE(json.find("1732420000.123456"), std::string::npos) << json;
}

TEST(request_records, shards_written_from_many_threads_merge_completely) {
  constexpr unsigned threads = 4;
  constexpr int per_thread = 10'000;
  request_records records(threads);
  std::vector<std::thread> writers;
  for (unsigned t = 0; t < threads; ++t) {
    writers.emplace_back([&records, t] {
      for (int i = 0; i < per_thread; ++i) {
        records.add(t, i % 2 == 0 ? "even" : "odd", t * 1e6 + i, t * 1e6 + i + 0.5);
      }
    });
  }
  for (auto& w : writers) {
    w.join();
  }
  EXPECT_EQ(records.size(), threads * per_thread);
  const auto snap = records.snapshot();
  ASSERT_EQ(snap.size(), 2U);
  EXPECT_EQ(snap.at("even").size(), threads * per_thread / 2);
  EXPECT_TRUE(std::is_sorted(snap.at("odd").begin(), snap.at("odd").end(),
                             [](const auto& a, const auto& b) { return a.start < b.start; }));
}
