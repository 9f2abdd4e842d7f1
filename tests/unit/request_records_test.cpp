#include "server/request_records.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <thread>

using namespace overlap::server;

TEST(request_records, json_is_the_books_metric_data_format) {
  request_records records(1, 1U << 30);
  records.add(0, "gevent", 1.5, 2.0);
  records.add(0, "gevent", 1.25, 1.75);
  records.add(0, "a\"b", 3.0, 3.5);
  EXPECT_EQ(records.to_json(), "{\"a\\\"b\": [{\"start\": 3, \"end\": 3.5, \"dt\": 0.5}], "
                               "\"gevent\": [{\"start\": 1.25, \"end\": 1.75, \"dt\": 0.5}, "
                               "{\"start\": 1.5, \"end\": 2, \"dt\": 0.5}]}");
}

TEST(request_records, empty_records_are_an_empty_object) {
  request_records records(2, 1U << 30);
  EXPECT_EQ(records.to_json(), "{}");
  EXPECT_EQ(records.size(), 0U);
}

TEST(request_records, epoch_seconds_keep_microseconds) {
  request_records records(1, 1U << 30);
  records.add(0, "x", 1732420000.123456, 1732420000.223457);
  const auto json = records.to_json();
  EXPECT_NE(json.find("1732420000.123456"), std::string::npos) << json;
}

TEST(request_records, shards_written_from_many_threads_merge_completely) {
  constexpr unsigned threads = 4;
  constexpr int per_thread = 10'000;
  request_records records(threads, 1U << 30);
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

TEST(request_records, past_the_limit_records_are_dropped_and_counted) {
  request_records records(1, record_cost_bytes * 3 + 1 + name_overhead_bytes);
  for (int i = 0; i < 5; ++i) {
    records.add(0, "a", i, i + 1);
  }
  EXPECT_EQ(records.size(), 3U);
  EXPECT_EQ(records.dropped(), 2U);
  EXPECT_EQ(records.bytes(), record_cost_bytes * 3 + 1 + name_overhead_bytes);
  EXPECT_FALSE(records.add(0, "b", 9, 10)); // a new name costs its bytes too
}

TEST(request_records, take_empties_them_and_restore_puts_them_back) {
  request_records records(2, 1U << 20);
  records.add(0, "x", 1, 2);
  records.add(1, "x", 0.5, 1);
  const auto taken = records.take();
  EXPECT_EQ(taken.at("x").size(), 2U);
  EXPECT_EQ(taken.at("x").front().start, 0.5);
  EXPECT_EQ(records.size(), 0U);
  EXPECT_EQ(records.bytes(), 0U);
  records.restore(taken);
  EXPECT_EQ(records.snapshot().at("x").size(), 2U);
}

TEST(request_records, remove_takes_back_one_record_and_its_cost) {
  request_records records(1, 1U << 20);
  records.add(0, "x", 1, 2);
  records.add(0, "x", 3, 4);
  records.remove(0, "x", 3, 4);
  EXPECT_EQ(records.snapshot().at("x").size(), 1U);
  records.remove(0, "x", 1, 2);
  EXPECT_TRUE(records.snapshot().empty());
  EXPECT_EQ(records.bytes(), 0U);
}

TEST(request_records, the_writer_in_small_pieces_gives_what_the_parser_reads_back) {
  records_by_name records;
  for (int n = 0; n < 30; ++n) {
    for (int i = 0; i < 50; ++i) {
      records["name \"" + std::to_string(n) + "\" \xE2\x82\xAC"].push_back({1732420000.0 + i, 1732420000.5 + i});
    }
  }
  records_json_writer writer(records);
  std::string text;
  std::string piece;
  std::size_t pieces = 0;
  while (writer.next(piece, 100)) {
    EXPECT_LT(piece.size(), 100U + 400U); // about the size asked for
    text += piece;
    piece.clear();
    ++pieces;
  }
  EXPECT_GT(pieces, 100U);
  EXPECT_EQ(text, records_to_json(records));
  const auto parsed = boost::json::parse(text).as_object(); // Boost.JSON's parser agrees
  ASSERT_EQ(parsed.size(), records.size());
  for (const auto& [name, list] : records) {
    const auto& array = parsed.at(name).as_array();
    ASSERT_EQ(array.size(), list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      EXPECT_EQ(array[i].at("start").to_number<double>(), list[i].start);
      EXPECT_EQ(array[i].at("end").to_number<double>(), list[i].end);
      EXPECT_EQ(array[i].at("dt").to_number<double>(), list[i].end - list[i].start);
    }
  }
}
