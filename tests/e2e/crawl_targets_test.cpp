// overlap crawl against servers we did not write: nginx serving static files (a fixed
// URL, a URL list, statuses, --ok-status, headers as they arrive) in every strategy,
// and methods and bodies as the delay server's POST /add echoes them.
#include "overlap/crawl.hpp"
#include "overlap/delay_server.hpp"
#include "overlap/http_session.hpp"

#include "support/http_client.hpp"
#include "support/nginx_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace overlap;
using namespace overlap::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const std::map<std::string, std::string> site_files{
    {"index.html", std::string(1234, 'i')},
    {"a.txt", std::string(10, 'a')},
    {"dir/b.bin", std::string(70'000, 'b')},
};

crawl_options options_for(crawl_strategy strategy, std::size_t n, std::size_t c) {
  crawl_options o;
  o.strategy = strategy;
  o.n = n;
  o.concurrency = c;
  o.timeout = 10s;
  o.seed = 7;
  return o;
}

class against_nginx : public testing::TestWithParam<crawl_strategy> {
protected:
  void SetUp() override {
    if (!nginx_server::available()) {
      GTEST_SKIP() << "nginx is not installed (Debian package nginx-light, see scripts/deps.sh)";
    }
    nginx_ = std::make_unique<nginx_server>(nginx_options{.files = site_files});
  }
  std::string url(const std::string& path) const { return nginx_->base_url() + path; }

  std::unique_ptr<nginx_server> nginx_;
};

std::string strategy_name(const testing::TestParamInfo<crawl_strategy>& info) {
  return std::string(to_string(info.param));
}

} // namespace

TEST_P(against_nginx, fetches_a_fixed_url_as_written_n_times) {
  auto o = options_for(GetParam(), 40, 8);
  o.base_url = url("/index.html");
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 40u);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.result, 40u * 1234);
  EXPECT_EQ(r.statuses, (std::map<int, std::size_t>{{200, 40}}));
  EXPECT_FALSE(r.delay) << "nginx's delay is unknown: no limit";
  EXPECT_FALSE(r.limit_seconds());
}

TEST_P(against_nginx, visits_a_url_list_in_order_and_counts_a_missing_file_as_a_404_not_retried) {
  auto o = options_for(GetParam(), 4, 2);
  o.targets = {{url("/index.html"), "", {}},
               {url("/a.txt"), "", {}},
               {url("/dir/b.bin"), "", {}},
               {url("/missing.txt"), "", {}}};
  o.retries = 2;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.result, 1234u + 10 + 70'000) << "exactly the files' sizes";
  EXPECT_EQ(r.succeeded, 3u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.retries, 0u) << "a 404 is an answer: asking again gives the same";
  EXPECT_EQ(r.statuses, (std::map<int, std::size_t>{{200, 3}, {404, 1}}));
  EXPECT_EQ(r.failed_statuses, (std::map<int, std::size_t>{{404, 1}}));
  const auto log = nginx_->access_log(4);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 4) << log;
  EXPECT_NE(log.find("GET /missing.txt 404"), std::string::npos) << log;
}

TEST_P(against_nginx, cycles_the_list_to_reach_n) {
  auto o = options_for(GetParam(), 7, 3);
  o.targets = {{url("/a.txt"), "", {}}, {url("/index.html"), "", {}}};
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 7u);
  EXPECT_EQ(r.result, 4u * 10 + 3u * 1234);
}

TEST_P(against_nginx, ok_status_decides_what_counts_as_failure) {
  auto o = options_for(GetParam(), 6, 3);
  o.targets = {{url("/a.txt"), "", {}}, {url("/missing"), "", {}}};
  o.ok_statuses = parse_status_ranges("200-299,404");
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 6u);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.statuses.at(404), 3u);
  ASSERT_GT(r.result, 30u) << "the 404 pages' bodies count as results too";
  EXPECT_EQ((r.result - 30) % 3, 0u) << "three a.txt and three equal 404 pages";
}

TEST_P(against_nginx, sends_the_headers_and_method_as_given) {
  auto o = options_for(GetParam(), 5, 2);
  o.base_url = url("/a.txt");
  o.headers = {parse_request_header("X-Test: hello-" + std::string(to_string(GetParam())))};
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 5u);
  auto head = options_for(GetParam(), 3, 2);
  head.base_url = url("/index.html");
  head.method = "HEAD";
  const auto h = run_crawl(head);
  EXPECT_EQ(h.succeeded, 3u) << "an answer to HEAD has no body, whatever its Content-Length";
  EXPECT_EQ(h.result, 0u);
  const auto log = nginx_->access_log(8);
  const auto expected = "GET /a.txt 200 10 hello-" + std::string(to_string(GetParam()));
  std::size_t seen = 0;
  for (auto at = log.find(expected); at != std::string::npos; at = log.find(expected, at + 1)) {
    ++seen;
  }
  EXPECT_EQ(seen, 5u) << log;
  EXPECT_NE(log.find("HEAD /index.html 200"), std::string::npos) << log;
}

TEST_P(against_nginx, pools_connections_per_host_with_two_hosts_in_one_list) {
  nginx_server second(nginx_options{.files = {{"c.txt", "ccc"}}});
  auto o = options_for(GetParam(), 30, 4);
  o.targets = {{url("/a.txt"), "", {}}, {second.base_url() + "/c.txt", "", {}}};
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 30u);
  EXPECT_EQ(r.result, 15u * 10 + 15u * 3);
  if (GetParam() != crawl_strategy::serial) { // one connection at a time: each change of host is a new one
    EXPECT_LT(r.connections, 30u) << "connections are reused per host";
  }
}

TEST_P(against_nginx, stops_starting_requests_when_the_duration_is_over) {
  auto o = options_for(GetParam(), std::numeric_limits<std::size_t>::max(), 4);
  o.base_url = url("/a.txt");
  o.duration = 300ms;
  const auto r = run_crawl(o);
  std::printf("%s: %zu requests in %.3f s\n", std::string(to_string(GetParam())).c_str(), r.n, r.seconds);
  EXPECT_TRUE(r.timed);
  EXPECT_FALSE(r.interrupted);
  EXPECT_GT(r.n, 0u);
  EXPECT_EQ(r.succeeded, r.n) << "what started, finished";
  EXPECT_GE(r.seconds, 0.29);
}

INSTANTIATE_TEST_SUITE_P(crawl_targets, against_nginx, testing::ValuesIn(all_crawl_strategies()), strategy_name);

namespace {

/// nginx serving the same files over HTTPS, with a self-signed certificate made by the
/// openssl command for this test (CN localhost, SAN 127.0.0.1).
class against_nginx_over_https : public testing::TestWithParam<crawl_strategy> {
protected:
  void SetUp() override {
    if (!nginx_server::available()) {
      GTEST_SKIP() << "nginx is not installed (Debian package nginx-light, see scripts/deps.sh)";
    }
    char pattern[] = "/tmp/overlap-cert-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    cert_dir_ = pattern;
    const auto command = std::string("bash '") + OVERLAP_TEST_SUPPORT_DIR + "/make_test_cert.sh' '" +
                         cert_dir_.string() + "' >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    nginx_ = std::make_unique<nginx_server>(nginx_options{
        .files = site_files, .tls = nginx_options::tls_files{cert_dir_ / "cert.pem", cert_dir_ / "key.pem"}});
  }
  void TearDown() override {
    nginx_.reset();
    if (!cert_dir_.empty()) {
      std::filesystem::remove_all(cert_dir_);
    }
  }
  std::string url(const std::string& path) const { return nginx_->base_url() + path; }
  crawl_options trusting(crawl_strategy strategy, std::size_t n, std::size_t c) const {
    auto o = options_for(strategy, n, c);
    o.tls.ca_file = (cert_dir_ / "cert.pem").string();
    return o;
  }

  std::filesystem::path cert_dir_;
  std::unique_ptr<nginx_server> nginx_;
};

} // namespace

TEST_P(against_nginx_over_https, fetches_a_fixed_url_and_a_list_with_the_test_ca) {
  ASSERT_EQ(url("").rfind("https://", 0), 0u);
  auto fixed = trusting(GetParam(), 20, 4);
  fixed.base_url = url("/index.html");
  const auto r = run_crawl(fixed);
  EXPECT_EQ(r.succeeded, 20u);
  EXPECT_EQ(r.result, 20u * 1234);
  ASSERT_TRUE(r.tls);
  EXPECT_GE(r.tls->handshakes, 1u);
  EXPECT_EQ(r.tls->failed, 0u);

  auto list = trusting(GetParam(), 4, 2);
  list.targets = {{url("/index.html"), "", {}},
                  {url("/a.txt"), "", {}},
                  {url("/dir/b.bin"), "", {}},
                  {url("/missing.txt"), "", {}}};
  const auto l = run_crawl(list);
  EXPECT_EQ(l.result, 1234u + 10 + 70'000);
  EXPECT_EQ(l.statuses, (std::map<int, std::size_t>{{200, 3}, {404, 1}}));
  EXPECT_EQ(l.retries, 0u) << "a 404 is not retried";
}

TEST_P(against_nginx_over_https, the_default_verification_refuses_a_self_signed_certificate_as_tls) {
  auto o = options_for(GetParam(), 3, 1);
  o.base_url = url("/a.txt");
  o.retries = 0;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 0u);
  EXPECT_EQ(count_of(r.errors_by_kind, failure_kind::tls), 3u);
  ASSERT_TRUE(r.tls);
  EXPECT_NE(r.tls->failure.find("certificate verify failed"), std::string::npos) << r.tls->failure;
}

TEST_P(against_nginx_over_https, mixes_https_and_http_hosts_in_one_list) {
  nginx_server plain(nginx_options{.files = {{"c.txt", "ccc"}}});
  auto o = trusting(GetParam(), 20, 4);
  o.targets = {{url("/a.txt"), "", {}}, {plain.base_url() + "/c.txt", "", {}}};
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 20u);
  EXPECT_EQ(r.result, 10u * 10 + 10u * 3);
  ASSERT_TRUE(r.tls);
  EXPECT_GE(r.tls->handshakes, 1u);
}

INSTANTIATE_TEST_SUITE_P(crawl_targets, against_nginx_over_https, testing::ValuesIn(all_crawl_strategies()),
                         strategy_name);

namespace {

delay_server_options echo_server_options() {
  auto o = running_server::defaults();
  o.post_delay = 0ms;
  return o;
}

class with_delay_server : public testing::TestWithParam<crawl_strategy> {
protected:
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }
  running_server server_{echo_server_options()};
};

asio::awaitable<http_response> post_once(http_session& session, std::string body) {
  auto response = co_await session.request("POST", "/add?name=echo", {}, body);
  session.close(); // so that the loop runs dry now, not at the idle connection's deadline
  co_return response;
}

/// The delay server's echo of `body` posted to /add: what each crawl's answer holds.
std::string echo_of(std::uint16_t port, const std::string& body) {
  asio::io_context ctx;
  http_session_options so;
  so.port = port;
  http_session session(ctx.get_executor(), so);
  auto future = asio::co_spawn(ctx, post_once(session, body), asio::use_future);
  ctx.run();
  const auto response = future.get();
  EXPECT_EQ(response.status, 200);
  return response.body;
}

} // namespace

TEST_P(with_delay_server, posts_the_body_that_the_server_echoes) {
  const std::string body = R"({"answer": 42, "from": "crawl"})";
  const auto echo = echo_of(server_.port(), body);
  ASSERT_NE(echo.find("answer"), std::string::npos) << echo;
  auto o = options_for(GetParam(), 6, 3);
  o.base_url = url("/add?name=posted");
  o.method = "POST";
  o.body = body;
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 6u);
  EXPECT_EQ(r.result, 6u * echo.size()) << "each answer is the echo of the body sent";
}

TEST_P(with_delay_server, a_url_list_line_carries_its_own_method_and_body) {
  const auto dir = std::filesystem::temp_directory_path() / ("overlap-list-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "body.json") << "[1,2,3]";
  std::ofstream(dir / "urls.txt") << "# a GET to the delay server's route, and a POST\n\n"
                                  << url("/add?name=list&delay=0&") << "\n"
                                  << "POST " << url("/add?name=list") << " @body.json\n";
  auto o = options_for(GetParam(), 4, 2);
  o.targets = read_url_list((dir / "urls.txt").string());
  std::filesystem::remove_all(dir);
  ASSERT_EQ(o.targets.size(), 2u);
  EXPECT_EQ(o.targets[1].body, "[1,2,3]");
  const auto r = run_crawl(o);
  EXPECT_EQ(r.succeeded, 4u);
  EXPECT_EQ(r.result, 2u * 1 + 2u * echo_of(server_.port(), "[1,2,3]").size());
}

INSTANTIATE_TEST_SUITE_P(crawl_targets, with_delay_server, testing::ValuesIn(all_crawl_strategies()), strategy_name);
