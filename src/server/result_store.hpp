#pragma once
// Durable results for POST /add: a SQLite file in WAL mode, written by one store
// thread that commits whatever arrived while the previous commit ran as one
// transaction (group commit). SQLite blocks, so the event loops never call it: they
// queue a save and are resumed on their own executor once it is committed.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace overlap::server {

/// What became of one save. `committed` false: nothing is known to be stored (the
/// commit failed: `error` says why) and the client must not be told it was saved.
struct save_outcome {
  bool committed = false;
  bool replayed = false; // the key was already stored: `result` is the stored one
  std::int64_t id = 0;
  std::string result;
  std::string error;
};

/// Counters of the store thread's work, for figures and tests.
struct store_figures {
  std::uint64_t saves = 0;   // saves completed (committed or failed)
  std::uint64_t commits = 0; // transactions committed
};

class result_store {
public:
  /// Opens (creating if needed) the store file, switches it to WAL mode and starts the
  /// store thread. Throws std::runtime_error if the file cannot be opened as a store.
  explicit result_store(const std::filesystem::path& file);
  result_store(const result_store&) = delete;
  result_store& operator=(const result_store&) = delete;
  /// Commits everything queued, completes every waiting save, then closes the file.
  ~result_store();

  /// Saves `result` under `key` (an empty key: no idempotency, always a new row). A key
  /// already stored inserts nothing and completes with the stored row (`replayed`).
  /// Completes with `void(save_outcome)` on the handler's associated executor, only
  /// after the transaction holding the row has committed; keeps that executor's work
  /// outstanding until then.
  template <typename CompletionToken> auto async_save(std::string key, std::string result, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(save_outcome)>(
        [this](auto handler, std::string k, std::string r) {
          submit_save(std::move(k), std::move(r), resume_on_own_executor<save_outcome>(std::move(handler)));
        },
        token, std::move(key), std::move(result));
  }

  /// The number of stored results, counted after the saves queued before it are
  /// committed. Completes with `void(std::int64_t)` (-1 if the store cannot be read)
  /// on the handler's associated executor.
  template <typename CompletionToken> auto async_count(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(std::int64_t)>(
        [this](auto handler) { submit_count(resume_on_own_executor<std::int64_t>(std::move(handler))); }, token);
  }

  /// Blocking form of async_count, for the command line and tests.
  std::int64_t count();
  store_figures figures() const;

private:
  /// A function the store thread may call (once) that posts the completion to the
  /// handler's own executor, keeping that executor's work outstanding meanwhile.
  template <typename Result, typename Handler>
  static std::function<void(Result)> resume_on_own_executor(Handler handler) {
    auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                    boost::asio::execution::outstanding_work.tracked);
    auto shared = std::make_shared<Handler>(std::move(handler)); // std::function needs a copyable target
    return [shared, work](Result result) {
      boost::asio::post(work, [shared, r = std::move(result)]() mutable { std::move (*shared)(std::move(r)); });
    };
  }

  struct job {
    bool is_count = false;
    std::string key;
    std::string result;
    std::function<void(save_outcome)> saved;
    std::function<void(std::int64_t)> counted;
  };
  void submit_save(std::string key, std::string result, std::function<void(save_outcome)> done);
  void submit_count(std::function<void(std::int64_t)> done);
  void enqueue(job j);
  void run();
  void commit_batch(std::deque<job>& batch);

  struct statements;
  sqlite3* db_ = nullptr;
  std::unique_ptr<statements> statements_; // prepared once, used by the store thread only
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> queue_;
  bool closing_ = false;
  store_figures figures_;
  std::thread thread_;
};

/// How many results `file` holds, opened read-only: a file that is not a store is left
/// as it was. Throws std::invalid_argument if it is not a store (no results table, not
/// SQLite), std::runtime_error if it cannot be read.
std::int64_t count_results_read_only(const std::filesystem::path& file);

} // namespace overlap::server
