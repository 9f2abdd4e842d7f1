#include "server/result_store.hpp"

#include "overlap/wall_clock.hpp"

#include <sqlite3.h>

#include <future>
#include <stdexcept>
#include <vector>

namespace overlap::server {

namespace {

constexpr int busy_timeout_ms = 5000; // another process reading the file may hold it briefly

// One table: the key is UNIQUE so a retried save cannot add a second row, whatever
// the timing; rows without a key (NULL) are never merged.
constexpr const char* schema = "CREATE TABLE IF NOT EXISTS results ("
                               " id INTEGER PRIMARY KEY,"
                               " idempotency_key TEXT UNIQUE,"
                               " result TEXT NOT NULL,"
                               " saved_at REAL NOT NULL)";

/// A prepared statement, finalized when it goes.
class statement {
public:
  statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("cannot prepare store statement: ") + sqlite3_errmsg(db));
    }
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt* get() const noexcept { return stmt_; }
  /// Resets it for the next use and drops the bound values.
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

private:
  sqlite3_stmt* stmt_ = nullptr;
};

void execute(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw std::runtime_error(std::string(sql) + ": " + text);
  }
}

std::string column_text(sqlite3_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))) : std::string();
}

/// Inserts one result, or finds the row its key already has. Throws on a store error.
save_outcome insert_or_find(sqlite3* db, statement& insert, statement& find, const std::string& key,
                            std::string result) {
  save_outcome outcome;
  auto* ins = insert.get();
  if (key.empty()) {
    sqlite3_bind_null(ins, 1);
  } else {
    sqlite3_bind_text(ins, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  }
  sqlite3_bind_text(ins, 2, result.data(), static_cast<int>(result.size()), SQLITE_STATIC);
  sqlite3_bind_double(ins, 3, epoch_seconds_now());
  const int rc = sqlite3_step(ins);
  if (rc == SQLITE_ROW) {
    outcome.id = sqlite3_column_int64(ins, 0);
    outcome.result = std::move(result);
    insert.reset();
    return outcome;
  }
  insert.reset();
  if (rc != SQLITE_DONE) {
    throw std::runtime_error(std::string("cannot insert a result: ") + sqlite3_errmsg(db));
  }
  // No row returned: ON CONFLICT DO NOTHING, the key is stored already.
  auto* sel = find.get();
  sqlite3_bind_text(sel, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  if (sqlite3_step(sel) != SQLITE_ROW) {
    find.reset();
    throw std::runtime_error(std::string("cannot read a stored result: ") + sqlite3_errmsg(db));
  }
  outcome.id = sqlite3_column_int64(sel, 0);
  outcome.result = column_text(sel, 1);
  outcome.replayed = true;
  find.reset();
  return outcome;
}

std::int64_t count_rows(statement& count) {
  const std::int64_t n = sqlite3_step(count.get()) == SQLITE_ROW ? sqlite3_column_int64(count.get(), 0) : -1;
  count.reset();
  return n;
}

} // namespace

struct result_store::statements {
  explicit statements(sqlite3* db)
      : insert(db, "INSERT INTO results (idempotency_key, result, saved_at) VALUES (?, ?, ?)"
                   " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"),
        find(db, "SELECT id, result FROM results WHERE idempotency_key = ?"),
        count(db, "SELECT COUNT(*) FROM results") {}
  statement insert;
  statement find;
  statement count;
};

result_store::result_store(const std::filesystem::path& file) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open store '" + file.string() + "': " + message);
  }
  try {
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    execute(db_, "PRAGMA journal_mode=WAL");
    // FULL: a commit is on disk (WAL fsync'd) before it is acknowledged, so an
    // acknowledged result survives a power cut, not only a killed process.
    execute(db_, "PRAGMA synchronous=FULL");
    execute(db_, schema);
    // Found now rather than at the first POST: a file or folder that cannot be written.
    if (sqlite3_db_readonly(db_, "main") == 1) {
      throw std::runtime_error("the file is read-only");
    }
    execute(db_, "BEGIN IMMEDIATE");
    execute(db_, "COMMIT");
    statements_ = std::make_unique<statements>(db_);
  } catch (const std::exception& e) {
    statements_.reset();
    sqlite3_close(db_);
    throw std::runtime_error("cannot use '" + file.string() + "' as a store: " + e.what());
  }
  thread_ = std::thread([this] { run(); });
}

result_store::~result_store() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  thread_.join();
  statements_.reset(); // finalized before the close, or the close would fail
  sqlite3_close(db_);
}

void result_store::submit_save(std::string key, std::string result, std::function<void(save_outcome)> done) {
  enqueue(job{.key = std::move(key), .result = std::move(result), .saved = std::move(done)});
}

void result_store::submit_count(std::function<void(std::int64_t)> done) {
  enqueue(job{.is_count = true, .counted = std::move(done)});
}

std::int64_t result_store::count() {
  std::promise<std::int64_t> promise;
  auto future = promise.get_future();
  submit_count([&promise](std::int64_t n) { promise.set_value(n); });
  return future.get();
}

store_figures result_store::figures() const {
  std::lock_guard lock(mutex_);
  return figures_;
}

void result_store::enqueue(job j) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(j));
  }
  wake_.notify_one();
}

void result_store::run() {
  std::deque<job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) {
        return; // closing, and nothing is left to commit
      }
      batch.swap(queue_); // everything that arrived during the last commit: one transaction
    }
    commit_batch(batch);
    batch.clear();
  }
}

void result_store::commit_batch(std::deque<job>& batch) {
  std::vector<save_outcome> outcomes;
  std::size_t saves = 0;
  for (const auto& j : batch) {
    saves += j.is_count ? 0 : 1;
  }
  outcomes.reserve(saves);
  bool committed = false;
  if (saves > 0) {
    try {
      execute(db_, "BEGIN IMMEDIATE");
      for (auto& j : batch) {
        if (!j.is_count) {
          outcomes.push_back(insert_or_find(db_, statements_->insert, statements_->find, j.key, std::move(j.result)));
          outcomes.back().committed = true;
        }
      }
      execute(db_, "COMMIT");
      committed = true;
    } catch (const std::exception& e) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); // fails harmlessly if none began
      outcomes.assign(saves, save_outcome{.error = e.what()});
    }
  }
  std::size_t next = 0;
  for (auto& j : batch) {
    if (j.is_count) {
      j.counted(count_rows(statements_->count));
    } else {
      j.saved(std::move(outcomes[next++]));
    }
  }
  std::lock_guard lock(mutex_);
  figures_.saves += saves;
  figures_.commits += committed ? 1 : 0;
}

std::int64_t count_results_read_only(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::invalid_argument("cannot open store '" + file.string() + "': " + message);
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM results", -1, &stmt, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::invalid_argument("'" + file.string() + "' is not a store: " + message);
  }
  const int rc = sqlite3_step(stmt);
  const std::int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  std::string message = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (n < 0) {
    throw std::runtime_error("cannot count the results in '" + file.string() + "': " + message);
  }
  return n;
}

} // namespace overlap::server
