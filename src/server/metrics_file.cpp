#include "server/metrics_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace overlap::server {

namespace {

std::string system_reason(int error) { return std::strerror(error); }

std::filesystem::path folder_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

file_handle& file_handle::operator=(file_handle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

file_handle::~file_handle() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

std::string metrics_file_problem(const std::filesystem::path& path) {
  if (path.empty()) {
    return "the metrics file name is empty";
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::string problem = path.string(); // built in steps: g++ 12 warns wrongly on "'" + ...
    problem += " is a folder";
    return problem;
  }
  const auto folder = folder_of(path);
  std::string probe = (folder / (path.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(probe.begin(), probe.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return "cannot write in '" + folder.string() + "': " + system_reason(errno);
  }
  ::close(fd);
  ::unlink(name.data());
  return {};
}

written_records write_records_file(const records_by_name& records, const std::filesystem::path& path,
                                   std::size_t piece_bytes) {
  written_records out;
  std::string temporary = path.string() + ".XXXXXX";
  std::vector<char> name(temporary.begin(), temporary.end());
  name.push_back('\0');
  file_handle file(::mkstemp(name.data()));
  if (file.get() < 0) {
    out.error = "cannot write in '" + folder_of(path).string() + "': " + system_reason(errno);
    return out;
  }
  ::fchmod(file.get(), 0644); // mkstemp makes it 0600; the book's file is readable by all
  records_json_writer writer(records);
  std::string piece;
  piece.reserve(piece_bytes + 512);
  bool ok = true;
  while (ok && writer.next(piece, piece_bytes)) {
    ok = write_all(file.get(), piece);
    out.size += piece.size();
    piece.clear();
  }
  if (!ok || ::fsync(file.get()) != 0 || ::rename(name.data(), path.c_str()) != 0) {
    out.error = "cannot write '" + path.string() + "': " + system_reason(errno);
    ::unlink(name.data());
    out.size = 0;
    return out;
  }
  out.file = std::move(file);
  return out;
}

} // namespace overlap::server
