#include "server/result_store.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "support/temporary_store.hpp"

#include <unistd.h>

#include <filesystem>
#include <vector>

using namespace overlap::server;
namespace asio = boost::asio;

namespace {

/// Saves each (key, result) at once, all queued together, and runs until all completed.
std::vector<save_outcome> save_all(result_store& store, const std::vector<std::pair<std::string, std::string>>& items) {
  asio::io_context ioc;
  std::vector<save_outcome> outcomes(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    store.async_save(items[i].first, items[i].second,
                     asio::bind_executor(ioc, [&outcomes, i](save_outcome o) { outcomes[i] = std::move(o); }));
  }
  ioc.run(); // returns once every save completed: each keeps the loop's work outstanding
  return outcomes;
}

} // namespace

TEST(result_store, a_saved_result_is_counted_and_survives_reopening) {
  overlap::test::temporary_store file;
  {
    result_store store(file.path());
    auto outcomes = save_all(store, {{"k1", "first"}, {"k2", "second"}});
    EXPECT_TRUE(outcomes[0].committed);
    EXPECT_TRUE(outcomes[1].committed);
    EXPECT_FALSE(outcomes[0].replayed);
    EXPECT_EQ(outcomes[0].result, "first");
    EXPECT_NE(outcomes[0].id, outcomes[1].id);
    EXPECT_EQ(store.count(), 2);
  }
  result_store reopened(file.path());
  EXPECT_EQ(reopened.count(), 2);
}

TEST(result_store, a_repeated_key_stores_nothing_and_answers_the_stored_result) {
  overlap::test::temporary_store file;
  result_store store(file.path());
  const auto first = save_all(store, {{"same", "original"}});
  const auto again = save_all(store, {{"same", "retried with other text"}});
  ASSERT_TRUE(again[0].committed);
  EXPECT_TRUE(again[0].replayed);
  EXPECT_EQ(again[0].result, "original");
  EXPECT_EQ(again[0].id, first[0].id);
  EXPECT_EQ(store.count(), 1);
}

TEST(result_store, the_same_key_twice_in_one_batch_is_stored_once) {
  overlap::test::temporary_store file;
  result_store store(file.path());
  const auto outcomes = save_all(store, {{"twin", "a"}, {"twin", "b"}, {"other", "c"}});
  EXPECT_FALSE(outcomes[0].replayed);
  EXPECT_TRUE(outcomes[1].replayed);
  EXPECT_EQ(outcomes[1].result, "a");
  EXPECT_EQ(store.count(), 2);
}

TEST(result_store, results_without_a_key_are_each_stored) {
  overlap::test::temporary_store file;
  result_store store(file.path());
  save_all(store, {{"", "x"}, {"", "x"}, {"", "x"}});
  EXPECT_EQ(store.count(), 3);
}

TEST(result_store, results_keep_every_byte) {
  overlap::test::temporary_store file;
  constexpr char bytes[] = "quote \" nul \0 newline \n emoji \xf0\x9f\x99\x82 end";
  const std::string awkward(bytes, sizeof bytes - 1);
  {
    result_store store(file.path());
    save_all(store, {{"bytes", awkward}});
  }
  result_store reopened(file.path());
  EXPECT_EQ(save_all(reopened, {{"bytes", "ignored"}})[0].result, awkward);
}

TEST(result_store, saves_queued_during_a_commit_share_the_next_one) {
  overlap::test::temporary_store file;
  result_store store(file.path());
  std::vector<std::pair<std::string, std::string>> items;
  for (int i = 0; i < 300; ++i) {
    items.emplace_back("key-" + std::to_string(i), "result " + std::to_string(i));
  }
  save_all(store, items);
  const auto figures = store.figures();
  std::printf("300 saves queued at once: %llu commits\n", static_cast<unsigned long long>(figures.commits));
  EXPECT_EQ(figures.saves, 300U);
  EXPECT_LT(figures.commits, figures.saves);
  EXPECT_EQ(store.count(), 300);
}

TEST(result_store, completes_on_the_executor_of_the_caller) {
  overlap::test::temporary_store file;
  result_store store(file.path());
  asio::io_context ioc;
  bool on_caller = false;
  store.async_save("k", "r", asio::bind_executor(ioc, [&](save_outcome) {
                     on_caller = ioc.get_executor().running_in_this_thread();
                   }));
  ioc.run();
  EXPECT_TRUE(on_caller);
}

TEST(result_store, a_file_that_cannot_be_a_store_is_a_clear_error) {
  EXPECT_THROW(result_store("/nonexistent-directory/overlap.db"), std::runtime_error);
  overlap::test::temporary_store file;
  {
    std::FILE* f = std::fopen(file.path().c_str(), "w");
    std::fputs("this is not a database, it is a text file long enough to have a header\n", f);
    std::fclose(f);
  }
  EXPECT_THROW(result_store{file.path()}, std::runtime_error);
}
