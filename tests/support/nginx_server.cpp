#include "support/nginx_server.hpp"

#include "support/server_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace overlap::test {

namespace {

constexpr const char* nginx_binary = "/usr/sbin/nginx";
constexpr int start_attempts = 5;

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    throw std::runtime_error("nginx_server: cannot write " + path.string());
  }
}

std::string config_text(const std::filesystem::path& dir, std::uint16_t port, const nginx_options& options) {
  const auto d = dir.string();
  std::ostringstream c;
  c << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
    << "pid " << d << "/nginx.pid;\nerror_log " << d << "/error.log;\n"
    << "events { worker_connections 1024; }\n"
    << "http {\n"
    << "  log_format probe '$request_method $request_uri $status $body_bytes_sent $http_x_test';\n"
    << "  access_log " << d << "/access.log probe;\n"
    << "  client_body_temp_path " << d << "/tmp/body;\n"
    << "  proxy_temp_path " << d << "/tmp/proxy;\n"
    << "  keepalive_requests 1000000;\n"
    << "  server {\n"
    << "    listen 127.0.0.1:" << port << (options.tls ? " ssl" : "") << ";\n";
  if (options.tls) {
    c << "    ssl_certificate " << options.tls->certificate.string() << ";\n"
      << "    ssl_certificate_key " << options.tls->key.string() << ";\n";
  }
  c << "    root " << d << "/www;\n"
    << "  }\n}\n";
  return c.str();
}

bool accepts_connections(std::uint16_t port) {
  boost::asio::io_context ctx;
  boost::asio::ip::tcp::socket socket(ctx);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address_v4("127.0.0.1"), port}, ec);
  return !ec;
}

} // namespace

bool nginx_server::available() { return ::access(nginx_binary, X_OK) == 0; }

nginx_server::nginx_server(const nginx_options& options) : options_(options) {
  std::random_device random;
  dir_ = std::filesystem::temp_directory_path() /
         ("overlap-nginx-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(dir_ / "tmp");
  std::filesystem::create_directories(dir_ / "www");
  for (const auto& [name, content] : options.files) {
    write_file(dir_ / "www" / name, content);
  }
  for (int attempt = 0; attempt < start_attempts; ++attempt) {
    if (try_start(free_port())) {
      return;
    }
  }
  std::ifstream log(dir_ / "error.log");
  std::ostringstream text;
  text << log.rdbuf();
  std::filesystem::remove_all(dir_);
  throw std::runtime_error("nginx_server: nginx did not start: " + text.str());
}

bool nginx_server::try_start(std::uint16_t port) {
  write_file(dir_ / "nginx.conf", config_text(dir_, port, options_));
  const auto prefix = dir_.string() + "/";
  const auto config = (dir_ / "nginx.conf").string();
  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::runtime_error("nginx_server: fork failed");
  }
  if (pid_ == 0) {
    const char* args[] = {nginx_binary, "-p", prefix.c_str(), "-c", config.c_str(), nullptr};
    ::execv(nginx_binary, const_cast<char* const*>(args));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1; // exited: most likely the port was taken in the meantime
      return false;
    }
    if (accepts_connections(port)) {
      port_ = port;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  return false;
}

void nginx_server::stop() noexcept {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

nginx_server::~nginx_server() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string nginx_server::base_url() const {
  return std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string nginx_server::access_log(std::size_t lines) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    std::ifstream in(dir_ / "access.log");
    std::ostringstream text;
    text << in.rdbuf();
    auto log = text.str();
    if (static_cast<std::size_t>(std::count(log.begin(), log.end(), '\n')) >= lines ||
        std::chrono::steady_clock::now() > deadline) {
      return log;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

} // namespace overlap::test
