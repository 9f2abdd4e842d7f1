#include "support/server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace overlap::test {

std::filesystem::path overlap_binary() { return OVERLAP_CLI_PATH; }

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  if (fd >= 0) {
    ::close(fd);
  }
  if (!ok) {
    throw std::runtime_error("no free port");
  }
  return ntohs(address.sin_port);
}

namespace {

/// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd,
                             std::uint64_t fd_limit) {
  ::dup2(stdout_fd, STDOUT_FILENO);
  ::dup2(stderr_fd, STDERR_FILENO);
  ::syscall(SYS_close_range, 3U, ~0U, 0U); // the test's own sockets must not count against the child's limit
  if (fd_limit > 0) {
    rlimit limit{fd_limit, fd_limit};
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

/// Reads the child's stdout until the "listening on http://HOST:PORT" line; the port.
std::uint16_t read_port(int fd) {
  std::string out;
  char c = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    const auto n = ::read(fd, &c, 1);
    if (n <= 0) {
      break; // the child exited (or closed stdout) before listening
    }
    if (c == '\n') {
      const auto colon = out.rfind(':');
      if (out.rfind("listening on ", 0) == 0 && colon != std::string::npos) {
        return static_cast<std::uint16_t>(std::stoi(out.substr(colon + 1)));
      }
      out.clear();
    } else {
      out += c;
    }
  }
  return 0;
}

} // namespace

server_process::server_process(const std::vector<std::string>& args, std::uint64_t fd_limit) {
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  stderr_file_ = std::filesystem::temp_directory_path() /
                 ("overlap-serve-" + std::to_string(::getpid()) + "-" + std::to_string(stamp) + ".err");
  std::vector<std::string> argv{overlap_binary().string(), "serve"};
  if (std::find(args.begin(), args.end(), "--port") == args.end()) {
    argv.insert(argv.end(), {"--port", "0"});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const int err = ::open(stderr_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  pid_ = ::fork();
  if (pid_ == 0) {
    exec_child(argv, out[1], err, fd_limit);
  }
  ::close(out[1]);
  ::close(err);
  port_ = pid_ > 0 ? read_port(out[0]) : 0;
  stdout_fd_ = out[0]; // kept open: a later write to stdout must not meet a closed pipe
  if (port_ == 0) {
    const auto text = stderr_text();
    if (pid_ > 0) {
      stop(SIGKILL);
    }
    throw std::runtime_error("overlap serve did not start: " + text);
  }
}

server_process::~server_process() {
  if (pid_ > 0) {
    stop(SIGKILL);
  }
  ::close(stdout_fd_);
  std::error_code ignored;
  std::filesystem::remove(stderr_file_, ignored);
}

bool server_process::running() {
  if (pid_ <= 0) {
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int server_process::stop(int signal) {
  if (pid_ <= 0) {
    return -1;
  }
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_status_;
}

std::string server_process::stderr_text() const {
  std::ifstream in(stderr_file_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

double server_process::cpu_seconds() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  std::getline(in, line);
  // Fields after the command name (which may hold spaces, so skip past its ')'):
  // state is field 3; utime and stime are fields 14 and 15.
  std::istringstream fields(line.substr(line.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) {
      utime = std::stoull(field);
    } else if (i == 15) {
      stime = std::stoull(field);
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

} // namespace overlap::test
