// `overlap serve --store`: results are acknowledged only once committed, survive a
// SIGKILL, and a retried save with the same Idempotency-Key is never stored twice.
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include "support/temporary_store.hpp"
#include <sqlite3.h>

#include <csignal>
#include <map>
#include <set>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;

namespace {

/// Every stored key with how many rows it has, and its result, read straight from
/// the file with SQLite (not through the server's code).
std::map<std::string, std::pair<int, std::string>> stored_rows(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  std::map<std::string, std::pair<int, std::string>> rows;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT idempotency_key, COUNT(*), MIN(result) FROM results GROUP BY idempotency_key", -1,
                       &stmt, nullptr);
    while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* key = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      const auto* result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
      rows[key ? key : ""] = {sqlite3_column_int(stmt, 1), result ? result : ""};
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return rows;
}

std::vector<keyed_post> numbered_results(int count) {
  std::vector<keyed_post> items;
  for (int i = 0; i < count; ++i) {
    items.push_back({.key = "key-" + std::to_string(i), .body = "result " + std::to_string(i)});
  }
  return items;
}

} // namespace

TEST(serve_store, a_retried_save_with_the_same_key_is_answered_from_the_store) {
  temporary_store store;
  auto options = running_server::defaults();
  options.post_delay = 0ms;
  options.store_file = store.path();
  running_server s(options);
  auto first = http_request(s.port(), "POST", "/add", "original", {{"Idempotency-Key", "k"}});
  auto retry = http_request(s.port(), "POST", "/add", "retry", {{"Idempotency-Key", "k"}});
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "{\"result\": \"original\", \"t\": 0.5}");
  EXPECT_EQ(first.headers.count("idempotent-replayed"), 0U);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(retry.headers["idempotent-replayed"], "true");
  http_request(s.port(), "POST", "/add", "no key");
  http_request(s.port(), "POST", "/add", "no key");
  auto count = http_request(s.port(), "GET", "/results/count");
  EXPECT_EQ(count.headers["content-type"], "application/json");
  EXPECT_EQ(count.body, "{\"count\": 3}");
  EXPECT_EQ(s.server().stored_results(), 3);
}

TEST(serve_store, without_a_store_results_are_not_counted) {
  running_server s;
  EXPECT_EQ(http_request(s.port(), "GET", "/results/count").status, 404);
  EXPECT_EQ(s.server().stored_results(), -1);
}

TEST(serve_store, every_acknowledged_result_survives_sigkill_and_retries_store_nothing_twice) {
  temporary_store store;
  auto items = numbered_results(1500);
  constexpr std::size_t kill_after = 500;
  {
    server_process server({"--store", store.path().string(), "--post-delay", "0"});
    post_results(server.port(), items, 32, [&server](std::size_t answered) {
      if (answered == kill_after) {
        ::kill(server.pid(), SIGKILL); // the answers already on their way may still arrive
      }
    });
    EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
  }
  std::set<std::string> acknowledged;
  for (const auto& item : items) {
    if (item.status == 200) {
      acknowledged.insert(item.key);
    }
  }
  ASSERT_GE(acknowledged.size(), kill_after);
  ASSERT_LT(acknowledged.size(), items.size()) << "the kill came after the last answer";

  // The client's retries: every save it saw no answer for, with the same key.
  std::vector<keyed_post> retries;
  for (const auto& item : items) {
    if (item.status != 200) {
      retries.push_back({.key = item.key, .body = item.body});
    }
  }
  server_process restarted({"--store", store.path().string(), "--post-delay", "0"});
  post_results(restarted.port(), retries, 32);
  std::size_t replayed = 0;
  for (const auto& retry : retries) {
    EXPECT_EQ(retry.status, 200) << retry.key;
    replayed += retry.replayed ? 1 : 0;
  }
  EXPECT_EQ(http_request(restarted.port(), "GET", "/results/count").body, "{\"count\": 1500}");

  const auto rows = stored_rows(store.path());
  std::size_t lost = 0;
  std::size_t duplicated = 0;
  for (const auto& key : acknowledged) {
    lost += rows.count(key) == 0 ? 1 : 0;
  }
  for (const auto& [key, row] : rows) {
    duplicated += row.first > 1 ? 1 : 0;
  }
  EXPECT_EQ(rows.size(), items.size());
  EXPECT_EQ(lost, 0U);
  EXPECT_EQ(duplicated, 0U);
  EXPECT_EQ(rows.at("key-0").second, "result 0");
  std::printf("SIGKILL after %zu answers: %zu acknowledged, %zu retried (%zu of them already committed), "
              "%zu stored, lost %zu, duplicates %zu\n",
              kill_after, acknowledged.size(), retries.size(), replayed, rows.size(), lost, duplicated);
}

TEST(serve_store, count_flag_prints_the_stored_count) {
  temporary_store store;
  {
    server_process server({"--store", store.path().string(), "--post-delay", "0"});
    auto items = numbered_results(7);
    post_results(server.port(), items, 3);
  }
  const std::string command = overlap_binary().string() + " serve --store " + store.path().string() + " --count";
  std::FILE* out = ::popen(command.c_str(), "r");
  ASSERT_NE(out, nullptr);
  char line[64] = {};
  ASSERT_NE(std::fgets(line, sizeof line, out), nullptr);
  EXPECT_EQ(::pclose(out), 0);
  EXPECT_STREQ(line, "7\n");
}
