#include "output_file.hpp"

#include "usage.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace overlap::cli {

namespace fs = std::filesystem;

namespace {

fs::path directory_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

/// Creates an empty temporary file beside `target`, readable as a new file would be.
fs::path make_temporary_beside(const fs::path& target) {
  auto pattern = (directory_of(target) / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
  }
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  return fs::path(name.data());
}

void write_all(int fd, std::string_view bytes, const std::string& option) {
  while (!bytes.empty()) {
    const auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw std::runtime_error(option + ": cannot write to standard output: " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

} // namespace

output_file::output_file(std::string path, std::string option) : path_(std::move(path)), option_(std::move(option)) {
  if (path_.empty()) {
    throw usage_error(option_ + ": give a file name, or - for standard output");
  }
  if (is_stdout()) {
    std::fflush(stdout);
    stdout_fd_ = ::dup(STDOUT_FILENO);
    if (stdout_fd_ < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
      throw std::runtime_error(option_ + ": cannot take standard output: " + std::strerror(errno));
    }
    return;
  }
  const fs::path target(path_);
  std::error_code ec;
  if (fs::is_directory(target, ec)) {
    throw usage_error(option_ + ": '" + path_ + "' is a directory: name a file in it");
  }
  const auto directory = directory_of(target);
  if (!fs::is_directory(directory, ec)) {
    throw usage_error(option_ + ": cannot write '" + path_ + "': directory '" + directory.string() +
                      "' does not exist");
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    throw usage_error(option_ + ": cannot write '" + path_ + "': directory '" + directory.string() +
                      "' is not writable");
  }
}

void output_file::write(std::string_view text) const {
  write_with([text](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); });
}

void output_file::write_with(const std::function<void(std::ostream&)>& fill) const {
  if (!wanted()) {
    return;
  }
  if (is_stdout()) {
    std::ostringstream text;
    fill(text);
    write_all(stdout_fd_, text.view(), option_);
    return;
  }
  const fs::path target(path_);
  const auto temporary = make_temporary_beside(target);
  std::error_code ec;
  try {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    fill(out);
    out.close();
    if (out) {
      fs::rename(temporary, target, ec);
    } else {
      ec = std::make_error_code(std::errc::io_error);
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error(option_ + ": cannot write '" + path_ + "': " + ec.message());
  }
}

} // namespace overlap::cli
