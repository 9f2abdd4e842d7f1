// The tornado CurlAsyncHTTPClient(max_clients=C) crawler: libcurl's multi interface
// with at most C connections, its sockets and timer driven by the Asio loop through
// curl_multi_socket_action. C easy handles are created once and each is given the
// next URL when its transfer ends (queueing all N at once makes curl slow: it scans
// its pending list on every event).
//
// libcurl also scans a host's cached connections linearly to find one to reuse: with
// C = 10,000 on one multi handle it spent most of its time there (14.8 s for 20,000
// requests that take 0.2 s at the limit). So the pool has one multi handle per 256
// connections, each capped at its share of C: one handle, exactly the book's setup,
// up to C = 256.
#include "crawl/curl_answer.hpp"
#include "http/response_reader.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <curl/curl.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
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
  int wanted = 0;       // CURL_POLL_IN / OUT / INOUT, as curl last asked
  bool reading = false; // a wait for readability is pending
  bool writing = false;
  bool connected = false;        // writable once: the connect completed
  bool guessed_writable = false; // told curl "writable" without asking epoll
};

struct curl_shard;

struct transfer {
  transfer(asio::io_context& ctx, crawl_job& job) : pause(ctx), request(job, 0) {}
  std::array<char, CURL_ERROR_SIZE> error{}; // curl's message for a failed transfer
  CURL* easy = nullptr;
  curl_shard* shard = nullptr;
  std::string url;
  const request_template* configured = nullptr; // whose method and body the handle has
  asio::steady_timer pause;
  request_attempts request;
  curl_answer answer; // of the current attempt
};

class curl_crawl;

/// One multi handle with its own timer; sockets are shared by all of them.
struct curl_shard {
  curl_shard(curl_crawl& o, asio::io_context& ctx) : owner(o), timer(ctx) {}
  curl_crawl& owner;
  CURLM* multi = nullptr;
  asio::steady_timer timer;
  bool timer_armed = false;
  bool timeout_posted = false;
};

constexpr std::size_t connections_per_multi = 256;

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
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* t);
  static CURLcode on_ssl_context(CURL*, void* ssl_ctx, void* tls);
  static void on_tls_event(const SSL* ssl, int where, int);

  void use_tls(CURL* e);
  void add_shards();
  void watch(curl_shard& shard, curl_socket_t fd, const std::shared_ptr<watched_socket>& s);
  void act(curl_shard& shard, curl_socket_t fd, int events);
  void collect_done(curl_shard& shard);
  void next(transfer& t);
  /// Sends request `index` on `t` now, or once it is due in a paced run.
  void send_when_due(transfer& t, std::uint64_t index, steady_clock::time_point slot_free);
  void launch(transfer& t);
  void finish(transfer& t, CURLcode code);
  static void configure(transfer& t, const request_template& request);

  crawl_job& job_;
  asio::io_context& ctx_;
  std::vector<std::unique_ptr<curl_shard>> shards_;
  std::unordered_map<curl_socket_t, std::shared_ptr<watched_socket>> sockets_;
  std::vector<std::unique_ptr<transfer>> transfers_;
  CURLSH* share_ = nullptr; // TLS sessions shared by every easy handle, for resumption
  std::uint64_t next_index_ = 0;
  std::size_t completed_ = 0;
  std::size_t opened_ = 0;
  bool stopping_ = false;
  std::string target_;            // of the next request, reused
  curl_slist* headers_ = nullptr; // the options' headers, given to every handle
};

curl_crawl::curl_crawl(crawl_job& job, asio::io_context& ctx) : job_(job), ctx_(ctx) {
  add_shards();
  for (const auto& h : job.requests.headers()) {
    headers_ = curl_slist_append(headers_, (std::string(h.name) + ": " + std::string(h.value)).c_str());
  }
  // No `Expect: 100-continue` before a body: the other strategies send it at once too.
  headers_ = curl_slist_append(headers_, "Expect:");
  const auto count = std::min<std::size_t>(job.options.concurrency, job.options.n);
  for (std::size_t i = 0; i < count; ++i) {
    auto t = std::make_unique<transfer>(ctx, job);
    t->easy = curl_easy_init();
    if (t->easy == nullptr) {
      throw std::runtime_error("curl_easy_init failed");
    }
    t->shard = shards_[i % shards_.size()].get();
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &curl_crawl::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &curl_crawl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &curl_crawl::open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &curl_crawl::close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(job.options.timeout.count()));
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, job.options.keep_alive ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(http::body_limit_bytes));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); // a 3xx is an answer, as in every strategy
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error.data());
    if (job.tls) {
      use_tls(e);
    }
    transfers_.push_back(std::move(t));
  }
}

void curl_crawl::add_shards() {
  const auto c = job_.options.concurrency;
  const auto count = (c + connections_per_multi - 1) / connections_per_multi;
  for (std::size_t i = 0; i < count; ++i) {
    auto shard = std::make_unique<curl_shard>(*this, ctx_);
    shard->multi = curl_multi_init();
    if (shard->multi == nullptr) {
      throw std::runtime_error("curl_multi_init failed");
    }
    CURLM* m = shard->multi;
    const auto cap = static_cast<long>(c / count + (i < c % count ? 1 : 0)); // the caps add up to C
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, cap);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, cap);
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &curl_crawl::on_socket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, shard.get());
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &curl_crawl::on_timer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, shard.get());
    shards_.push_back(std::move(shard));
  }
}

curl_crawl::~curl_crawl() {
  for (auto& t : transfers_) {
    curl_multi_remove_handle(t->shard->multi, t->easy);
    curl_easy_cleanup(t->easy);
  }
  for (auto& shard : shards_) {
    curl_multi_cleanup(shard->multi); // closes cached connections through close_socket
  }
  curl_slist_free_all(headers_);
  if (share_ != nullptr) {
    curl_share_cleanup(share_);
  }
}

// Where an SSL_CTX that curl made finds the run's TLS counts (an index of our own).
int tls_client_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}
// Set on an SSL object once its handshake is counted: TLS 1.3 signals "handshake done"
// again after each post-handshake message (session tickets).
int counted_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

/// curl's own TLS (OpenSSL underneath): verification as the options say, and one
/// session cache for every handle, so that a new connection resumes as the other
/// strategies' do. The handshakes are counted from OpenSSL's info callback on each
/// SSL_CTX curl makes.
void curl_crawl::use_tls(CURL* e) {
  const auto& tls = job_.options.tls;
  if (share_ == nullptr) {
    share_ = curl_share_init();
    if (share_ == nullptr) {
      throw std::runtime_error("curl_share_init failed");
    }
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION); // one thread: no lock needed
  }
  curl_easy_setopt(e, CURLOPT_SHARE, share_);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.ca_file.empty()) {
    curl_easy_setopt(e, CURLOPT_CAINFO, tls.ca_file.c_str());
  }
  curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &curl_crawl::on_ssl_context);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, job_.tls.get());
}

CURLcode curl_crawl::on_ssl_context(CURL*, void* ssl_ctx, void* tls) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_ex_data(ctx, tls_client_index(), tls);
  SSL_CTX_set_info_callback(ctx, &curl_crawl::on_tls_event);
  return CURLE_OK;
}

void curl_crawl::on_tls_event(const SSL* ssl, int where, int) {
  if ((where & SSL_CB_HANDSHAKE_DONE) == 0 || SSL_get_ex_data(ssl, counted_index()) != nullptr) {
    return;
  }
  auto* counted = const_cast<SSL*>(ssl); // OpenSSL hands the object over as const; marking it is ours to do
  SSL_set_ex_data(counted, counted_index(), counted);
  auto* tls = static_cast<http::tls_client*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), tls_client_index()));
  if (tls != nullptr) {
    tls->count_handshake(SSL_session_reused(ssl) == 1);
  }
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
  auto& shard = *static_cast<curl_shard*>(self);
  auto& cc = shard.owner;
  auto it = cc.sockets_.find(fd);
  if (it == cc.sockets_.end()) {
    return 0;
  }
  it->second->wanted = what == CURL_POLL_REMOVE ? 0 : what;
  cc.watch(shard, fd, it->second);
  return 0;
}

void curl_crawl::watch(curl_shard& shard, curl_socket_t fd, const std::shared_ptr<watched_socket>& s) {
  if ((s->wanted & CURL_POLL_IN) != 0 && !s->reading) {
    s->reading = true;
    s->socket.async_wait(tcp::socket::wait_read, [this, &shard, fd, s](const error_code& ec) {
      s->reading = false;
      if (!ec && s->socket.is_open()) {
        act(shard, fd, CURL_CSELECT_IN);
        watch(shard, fd, s);
      }
    });
  }
  if ((s->wanted & CURL_POLL_OUT) == 0) {
    s->guessed_writable = false;
    return;
  }
  if (s->writing) {
    return;
  }
  s->writing = true;
  auto on_writable = [this, &shard, fd, s](const error_code& ec) {
    s->writing = false;
    if (!ec && s->socket.is_open()) {
      act(shard, fd, CURL_CSELECT_OUT);
      watch(shard, fd, s);
    }
  };
  if (s->connected && !s->guessed_writable) {
    // A connected socket is almost always writable: tell curl so at once instead of
    // asking epoll (an epoll_ctl and a loop trip per request). Once per episode: if
    // curl still wants to write afterwards, wait for epoll to say so.
    s->guessed_writable = true;
    asio::post(ctx_, [on_writable] { on_writable(error_code{}); });
    return;
  }
  s->connected = true; // the first wait for writability is the connect completing
  s->socket.async_wait(tcp::socket::wait_write, std::move(on_writable));
}

int curl_crawl::on_timer(CURLM*, long timeout_ms, void* self) {
  auto& shard = *static_cast<curl_shard*>(self);
  if (timeout_ms < 0) {
    return 0; // nothing due: a timer still armed wakes curl once, early, which it allows
  }
  if (timeout_ms == 0) {
    // "As soon as possible": a posted call, not a timer (curl forbids calling it back
    // from here, and a 0 ms timer would cost a timerfd update on every request).
    if (!shard.timeout_posted) {
      shard.timeout_posted = true;
      asio::post(shard.timer.get_executor(), [&shard] {
        shard.timeout_posted = false;
        shard.owner.act(shard, CURL_SOCKET_TIMEOUT, 0);
      });
    }
    return 0;
  }
  // Curl moves its deadline on after nearly every event. Re-arming only when it comes
  // earlier than the armed one saves a timerfd update each time; waking early is fine.
  const auto due = steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  if (shard.timer_armed && shard.timer.expiry() <= due) {
    return 0;
  }
  shard.timer_armed = true;
  shard.timer.expires_at(due);
  shard.timer.async_wait([&shard](const error_code& ec) {
    if (!ec) {
      shard.timer_armed = false;
      shard.owner.act(shard, CURL_SOCKET_TIMEOUT, 0);
    }
  });
  return 0;
}

std::size_t curl_crawl::on_body(char*, std::size_t size, std::size_t count, void* t) {
  // Returning less than given stops curl (CURLE_WRITE_ERROR): the body is over its limit.
  return static_cast<transfer*>(t)->answer.body(size * count) ? size * count : 0;
}

std::size_t curl_crawl::on_header(char* data, std::size_t size, std::size_t count, void* t) {
  static_cast<transfer*>(t)->answer.header_line(std::string_view(data, size * count));
  return size * count;
}

void curl_crawl::act(curl_shard& shard, curl_socket_t fd, int events) {
  if (stopping_) {
    return;
  }
  int running = 0;
  curl_multi_socket_action(shard.multi, fd, events, &running);
  collect_done(shard);
}

void curl_crawl::collect_done(curl_shard& shard) {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(shard.multi, &left)) {
    if (message->msg != CURLMSG_DONE) {
      continue;
    }
    transfer* t = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &t);
    const CURLcode code = message->data.result; // read before the handle is removed
    curl_multi_remove_handle(shard.multi, t->easy);
    finish(*t, code);
  }
}

/// In the words the other strategies use (OpenSSL's), with curl's message otherwise.
std::string tls_failure_reason(const transfer& t, CURLcode code) {
  long verify = X509_V_OK;
  curl_easy_getinfo(t.easy, CURLINFO_SSL_VERIFYRESULT, &verify);
  if (code == CURLE_PEER_FAILED_VERIFICATION && verify != X509_V_OK) {
    return std::string("certificate verify failed (") + X509_verify_cert_error_string(verify) + ")";
  }
  return t.error[0] != '\0' ? t.error.data() : curl_easy_strerror(code);
}

void curl_crawl::finish(transfer& t, CURLcode code) {
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK && job_.tls && kind_of(code) == failure_kind::tls) {
    job_.tls->count_failure(tls_failure_reason(t, code));
  }
  const auto pause = t.request.after(t.answer.outcome(code, status));
  if (!pause) {
    next(t);
    return;
  }
  t.pause.expires_after(*pause);
  t.pause.async_wait([this, &t](const error_code&) { launch(t); });
}

void curl_crawl::next(transfer& t) {
  if (!job_.may_start(next_index_)) {
    if (++completed_ == transfers_.size()) {
      stopping_ = true; // every transfer is over: stop waiting so the loop runs dry
      for (auto& shard : shards_) {
        shard->timer.cancel();
      }
      for (auto& [fd, s] : sockets_) {
        error_code ignored;
        s->socket.cancel(ignored);
      }
    }
    return;
  }
  const auto index = next_index_++;
  const auto& request = job_.next_request(index, target_);
  t.url.assign(job_.endpoints[request.endpoint].origin).append(target_);
  if (t.configured != &request) {
    configure(t, request);
  }
  send_when_due(t, index, steady_clock::now()); // this transfer is free from now
}

void curl_crawl::send_when_due(transfer& t, std::uint64_t index, steady_clock::time_point slot_free) {
  if (job_.paced()) {
    const auto due = job_.due(index);
    if (crawl_job::worth_waiting_for(due) && !job_.stop_asked()) {
      t.pause.expires_at(crawl_job::wake_at(due));
      t.pause.async_wait([this, &t, index, slot_free](const error_code&) { send_when_due(t, index, slot_free); });
      return;
    }
  }
  t.request = request_attempts(job_, index, slot_free);
  launch(t);
}

void curl_crawl::configure(transfer& t, const request_template& request) {
  CURL* e = t.easy;
  t.configured = &request;
  curl_easy_setopt(e, CURLOPT_HTTPGET, 1L); // resets a previous template's body and NOBODY
  curl_easy_setopt(e, CURLOPT_NOBODY, request.head ? 1L : 0L);
  if (request.body) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body->data()); // the job keeps it alive
  }
  const bool curls_own =
      request.method == "GET" || request.method == "HEAD" || (request.method == "POST" && request.body);
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, curls_own ? nullptr : request.method.c_str());
}

void curl_crawl::launch(transfer& t) {
  t.answer.clear();
  t.error[0] = '\0';
  curl_easy_setopt(t.easy, CURLOPT_URL, t.url.c_str());
  curl_multi_add_handle(t.shard->multi, t.easy); // curl asks for a 0 ms timer to start it
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
