// The tornado CurlAsyncHTTPClient(max_clients=C) crawler: libcurl's multi interface
// with at most C connections, its sockets and timer driven by the Asio loop through
// curl_multi_socket_action. C easy handles are created once and each is given the
// next URL when its transfer ends (queueing all N at once makes curl slow: it scans
// its pending list on every event).
#include "crawl/crawl_job.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace overlap::crawl {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

/// A socket curl asked for, created by Asio so the loop can wait on it.
struct watched_socket {
  explicit watched_socket(asio::io_context& ctx) : socket(ctx) {}
  tcp::socket socket;
  int wanted = 0;      // CURL_POLL_IN / OUT / INOUT, as curl last asked
  bool reading = false; // a wait for readability is pending
  bool writing = false;
};

struct transfer {
  explicit transfer(asio::io_context& ctx) : pause(ctx) {}
  CURL* easy = nullptr;
  std::string url;
  std::uint64_t index = 0;
  steady_clock::time_point start{};
  unsigned attempt = 0;
  std::size_t bytes = 0;
  asio::steady_timer pause;
};

failure_kind kind_of(CURLcode code) noexcept {
  switch (code) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
    return failure_kind::refused;
  case CURLE_OPERATION_TIMEDOUT:
    return failure_kind::timeout;
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_BAD_CONTENT_ENCODING:
  case CURLE_FILESIZE_EXCEEDED:
    return failure_kind::malformed;
  default:
    return failure_kind::reset; // send/receive errors, nothing or part of an answer
  }
}

class curl_crawl {
public:
  curl_crawl(crawl_job& job, asio::io_context& ctx);
  curl_crawl(const curl_crawl&) = delete;
  curl_crawl& operator=(const curl_crawl&) = delete;
  ~curl_crawl();

  void start();
  std::size_t opened() const noexcept { return opened_; }

private:
  static curl_socket_t open_socket(void* self, curlsocktype, curl_sockaddr* address);
  static int close_socket(void* self, curl_socket_t fd);
  static int on_socket(CURL*, curl_socket_t fd, int what, void* self, void*);
  static int on_timer(CURLM*, long timeout_ms, void* self);
  static std::size_t on_body(char*, std::size_t size, std::size_t count, void* t);

  void watch(curl_socket_t fd, const std::shared_ptr<watched_socket>& s);
  void act(curl_socket_t fd, int events);
  void collect_done();
  void next(transfer& t);
  void launch(transfer& t);
  void finish(transfer& t, CURLcode code);

  crawl_job& job_;
  asio::io_context& ctx_;
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  std::unordered_map<curl_socket_t, std::shared_ptr<watched_socket>> sockets_;
  std::vector<std::unique_ptr<transfer>> transfers_;
  std::uint64_t next_index_ = 0;
  std::size_t completed_ = 0;
  std::size_t opened_ = 0;
  bool stopping_ = false;
  char suffix_[suffix_length]{};
};

curl_crawl::curl_crawl(crawl_job& job, asio::io_context& ctx) : job_(job), ctx_(ctx), timer_(ctx) {
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    throw std::runtime_error("curl_multi_init failed");
  }
  const auto c = static_cast<long>(job.options.concurrency);
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, c);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, c);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &curl_crawl::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &curl_crawl::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  const auto count = std::min<std::size_t>(job.options.concurrency, job.options.n);
  for (std::size_t i = 0; i < count; ++i) {
    auto t = std::make_unique<transfer>(ctx);
    t->easy = curl_easy_init();
    if (t->easy == nullptr) {
      throw std::runtime_error("curl_easy_init failed");
    }
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &curl_crawl::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &curl_crawl::open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &curl_crawl::close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(job.options.timeout.count()));
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, job.options.keep_alive ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(8 * 1024 * 1024));
    transfers_.push_back(std::move(t));
  }
}

curl_crawl::~curl_crawl() {
  for (auto& t : transfers_) {
    curl_multi_remove_handle(multi_, t->easy);
    curl_easy_cleanup(t->easy);
  }
  curl_multi_cleanup(multi_); // closes cached connections through close_socket
}

void curl_crawl::start() {
  for (auto& t : transfers_) {
    next(*t);
  }
}

curl_socket_t curl_crawl::open_socket(void* self, curlsocktype, curl_sockaddr* address) {
  auto& cc = *static_cast<curl_crawl*>(self);
  auto s = std::make_shared<watched_socket>(cc.ctx_);
  error_code ec;
  s->socket.open(address->family == AF_INET6 ? tcp::v6() : tcp::v4(), ec);
  if (ec) {
    return CURL_SOCKET_BAD;
  }
  const auto fd = s->socket.native_handle();
  cc.sockets_[fd] = std::move(s);
  ++cc.opened_;
  return fd;
}

int curl_crawl::close_socket(void* self, curl_socket_t fd) {
  auto& cc = *static_cast<curl_crawl*>(self);
  if (auto it = cc.sockets_.find(fd); it != cc.sockets_.end()) {
    error_code ignored;
    it->second->socket.close(ignored); // pending waits end with operation_aborted
    cc.sockets_.erase(it);
  }
  return 0;
}

int curl_crawl::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto& cc = *static_cast<curl_crawl*>(self);
  auto it = cc.sockets_.find(fd);
  if (it == cc.sockets_.end()) {
    return 0;
  }
  it->second->wanted = what == CURL_POLL_REMOVE ? 0 : what;
  cc.watch(fd, it->second);
  return 0;
}

void curl_crawl::watch(curl_socket_t fd, const std::shared_ptr<watched_socket>& s) {
  if ((s->wanted & CURL_POLL_IN) != 0 && !s->reading) {
    s->reading = true;
    s->socket.async_wait(tcp::socket::wait_read, [this, fd, s](const error_code& ec) {
      s->reading = false;
      if (!ec && s->socket.is_open()) {
        act(fd, CURL_CSELECT_IN);
        watch(fd, s);
      }
    });
  }
  if ((s->wanted & CURL_POLL_OUT) != 0 && !s->writing) {
    s->writing = true;
    s->socket.async_wait(tcp::socket::wait_write, [this, fd, s](const error_code& ec) {
      s->writing = false;
      if (!ec && s->socket.is_open()) {
        act(fd, CURL_CSELECT_OUT);
        watch(fd, s);
      }
    });
  }
}

int curl_crawl::on_timer(CURLM*, long timeout_ms, void* self) {
  auto& cc = *static_cast<curl_crawl*>(self);
  if (timeout_ms < 0) {
    cc.timer_.cancel();
    return 0;
  }
  // Even a 0 ms timeout goes through the loop: curl forbids calling it back from here.
  cc.timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  cc.timer_.async_wait([&cc](const error_code& ec) {
    if (!ec) {
      cc.act(CURL_SOCKET_TIMEOUT, 0);
    }
  });
  return 0;
}

std::size_t curl_crawl::on_body(char*, std::size_t size, std::size_t count, void* t) {
  static_cast<transfer*>(t)->bytes += size * count;
  return size * count;
}

void curl_crawl::act(curl_socket_t fd, int events) {
  if (stopping_) {
    return;
  }
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  collect_done();
}

void curl_crawl::collect_done() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) {
      continue;
    }
    transfer* t = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &t);
    const CURLcode code = message->data.result; // read before the handle is removed
    curl_multi_remove_handle(multi_, t->easy);
    finish(*t, code);
  }
}

void curl_crawl::finish(transfer& t, CURLcode code) {
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  std::optional<failure_kind> failure;
  if (code != CURLE_OK) {
    failure = kind_of(code);
  } else if (!is_success_status(static_cast<int>(status))) {
    failure = failure_kind::status;
  }
  auto& accounting = job_.accounting;
  if (!failure) {
    accounting.finished(t.index, t.start, static_cast<int>(status), t.bytes, true);
    next(t);
    return;
  }
  accounting.attempt_failed(*failure);
  if (t.attempt >= job_.options.retries) {
    accounting.finished(t.index, t.start, static_cast<int>(status), 0, false);
    next(t);
    return;
  }
  accounting.retrying();
  t.pause.expires_after(crawl_job::backoff(t.attempt++));
  t.pause.async_wait([this, &t](const error_code&) { launch(t); });
}

void curl_crawl::next(transfer& t) {
  if (next_index_ >= job_.options.n) {
    if (++completed_ == transfers_.size()) {
      stopping_ = true; // every transfer is over: stop waiting so the loop runs dry
      timer_.cancel();
      for (auto& [fd, s] : sockets_) {
        error_code ignored;
        s->socket.cancel(ignored);
      }
    }
    return;
  }
  t.index = next_index_++;
  t.attempt = 0;
  t.start = steady_clock::now();
  job_.urls.next_suffix(suffix_);
  t.url.assign(job_.options.base_url).append(suffix_, suffix_length);
  launch(t);
}

void curl_crawl::launch(transfer& t) {
  t.bytes = 0;
  curl_easy_setopt(t.easy, CURLOPT_URL, t.url.c_str());
  curl_multi_add_handle(multi_, t.easy); // curl asks for a 0 ms timer to start it
}

} // namespace

void crawl_curl(crawl_job& job) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  {
    asio::io_context ctx(1);
    curl_crawl cc(job, ctx);
    job.accounting.begin();
    cc.start();
    ctx.run();
    job.connections_opened = cc.opened();
  }
  curl_global_cleanup();
}

} // namespace overlap::crawl
