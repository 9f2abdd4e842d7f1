#pragma once
// The metrics file (metric_data.json): written beside its final name and renamed over
// it, so that a crash mid-write leaves the old file or the new one, never a part.
#include "server/request_records.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>

namespace overlap::server {

/// Why `path` could not be written as the metrics file (its folder is missing or not
/// writable, or it is a folder), with the system's reason; empty when it can.
std::string metrics_file_problem(const std::filesystem::path& path);

/// A file descriptor, closed when it goes.
class file_handle {
public:
  file_handle() = default;
  explicit file_handle(int fd) noexcept : fd_(fd) {}
  file_handle(file_handle&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  file_handle& operator=(file_handle&& other) noexcept;
  file_handle(const file_handle&) = delete;
  file_handle& operator=(const file_handle&) = delete;
  ~file_handle();
  int get() const noexcept { return fd_; }

private:
  int fd_ = -1;
};

/// What write_records_file did: `error` empty on success, then `file` reads back the
/// text written (`size` bytes), whatever replaces the file by name meanwhile.
struct written_records {
  file_handle file;
  std::size_t size = 0;
  std::string error;
};

/// Writes `records` as the book's JSON, in pieces of about `piece_bytes`, to a
/// temporary file beside `path`, flushes it to disk and renames it to `path`. Blocks:
/// not for an event loop.
written_records write_records_file(const records_by_name& records, const std::filesystem::path& path,
                                   std::size_t piece_bytes = 64 * 1024);

} // namespace overlap::server
