#pragma once
// A SQLite store path of its own for each test, removed with its WAL files afterwards.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

namespace overlap::test {

class temporary_store {
public:
  /// A path in the temporary directory named after `prefix`, the process and the test.
  explicit temporary_store(const std::string& prefix = "overlap-store")
      : path_(std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db")) {
    remove();
  }
  temporary_store(const temporary_store&) = delete;
  temporary_store& operator=(const temporary_store&) = delete;
  ~temporary_store() { remove(); }
  const std::filesystem::path& path() const { return path_; }

private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      std::filesystem::remove(path_.string() + suffix, ignored);
    }
  }
  std::filesystem::path path_;
};

} // namespace overlap::test
