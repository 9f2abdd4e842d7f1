#include "overlap/delay_server.hpp"

#include "server/metrics_file.hpp"
#include "server/server_state.hpp"
#include "server/tls_context.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include <sys/socket.h>

#include <mutex>
#include <stdexcept>
#include <thread>

namespace overlap {

namespace asio = boost::asio;
using asio::ip::tcp;

struct delay_server::impl {
  explicit impl(delay_server_options options) : ctx(std::move(options)) {}

  server::server_context ctx;
  std::vector<std::unique_ptr<server::shard>> shards;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::mutex mutex;
  std::exception_ptr failure;
  bool started = false;
  bool stopped = false;

  void remember_failure(std::exception_ptr e) {
    std::lock_guard lock(mutex);
    if (!failure) {
      failure = std::move(e);
    }
  }
};

namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

void validate(const delay_server_options& o) {
  if (o.threads == 0 || o.threads > 256) {
    throw std::invalid_argument("threads must be between 1 and 256");
  }
  if (o.post_delay.count() < 0 || o.header_timeout.count() <= 0 || o.idle_timeout.count() <= 0) {
    throw std::invalid_argument("delays must be non-negative and timeouts positive");
  }
  if (auto problem = server::metrics_file_problem(o.metrics_file); !problem.empty()) {
    throw std::invalid_argument("metrics file: " + problem);
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    throw std::invalid_argument("a TLS certificate needs its key, and a key its certificate");
  }
}

/// The host as an address: a literal one, or the first address a name resolves to.
asio::ip::address host_address(const std::string& host) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) {
    return address;
  }
  asio::io_context resolving;
  tcp::resolver resolver(resolving);
  auto results = resolver.resolve(host, "", tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    throw std::invalid_argument("cannot resolve host '" + host + "': " + (ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint().address();
}

void listen_on(tcp::acceptor& acceptor, tcp::endpoint endpoint, bool shared_port, int backlog) {
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  if (shared_port) {
    acceptor.set_option(reuse_port(true)); // the kernel spreads connections over shards
  }
  acceptor.bind(endpoint);
  acceptor.listen(backlog);
}

} // namespace

delay_server::delay_server(delay_server_options options) {
  validate(options);
  impl_ = std::make_unique<impl>(std::move(options));
  const auto& o = impl_->ctx.options;
  if (!o.tls_cert_file.empty()) {
    impl_->ctx.tls = server::load_tls_context(o.tls_cert_file, o.tls_key_file);
  }
  tcp::endpoint endpoint(host_address(o.host), o.port);
  for (unsigned i = 0; i < o.threads; ++i) {
    auto sh = std::make_unique<server::shard>(impl_->ctx, i);
    try {
      listen_on(sh->acceptor, endpoint, o.threads > 1, o.backlog);
    } catch (const boost::system::system_error& e) {
      throw boost::system::system_error(e.code(), "cannot listen on " + o.host + ":" + std::to_string(endpoint.port()));
    }
    endpoint.port(sh->acceptor.local_endpoint().port()); // port 0: the others share the chosen one
    impl_->shards.push_back(std::move(sh));
  }
  impl_->port = endpoint.port();
  if (!o.store_file.empty()) {
    try {
      impl_->ctx.store = std::make_unique<server::result_store>(o.store_file);
    } catch (const std::runtime_error& e) {
      throw std::invalid_argument(e.what()); // a store that cannot be used is a bad option
    }
  }
  if (o.capacity > 0) {
    impl_->ctx.capacity = std::make_unique<async_semaphore>(impl_->shards.front()->ioc.get_executor(), o.capacity);
  }
}

delay_server::~delay_server() {
  stop();
  try {
    join();
  } catch (const std::exception&) {
    // already reported by whoever joined first; a destructor must not throw
  }
  impl_->ctx.capacity.reset(); // completes leftover waiters before their loops go
  impl_->ctx.store.reset();    // commits what is queued; its completions go with the loops
}

std::uint16_t delay_server::port() const noexcept { return impl_->port; }

std::string delay_server::base_url() const {
  const auto& host = impl_->ctx.options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return (impl_->ctx.tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

const delay_server_options& delay_server::options() const noexcept { return impl_->ctx.options; }

void delay_server::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->started || impl_->stopped) {
    return;
  }
  impl_->started = true;
  for (auto& sh : impl_->shards) {
    asio::co_spawn(sh->ioc, server::accept_connections(*sh), [this](const std::exception_ptr& e) {
      if (e) {
        impl_->remember_failure(e);
      }
    });
    impl_->threads.emplace_back([this, s = sh.get()] {
      try {
        s->ioc.run();
      } catch (...) {
        impl_->remember_failure(std::current_exception());
        for (auto& other : impl_->shards) {
          other->ioc.stop();
        }
      }
    });
  }
}

void delay_server::stop() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  for (auto& sh : impl_->shards) {
    if (impl_->started) {
      asio::post(sh->ioc, [s = sh.get()] { server::begin_shard_stop(*s); });
    } else {
      boost::system::error_code ignored;
      sh->acceptor.close(ignored);
    }
  }
}

void delay_server::stop_now() {
  stop();
  std::lock_guard lock(impl_->mutex);
  if (!impl_->started) {
    return;
  }
  for (auto& sh : impl_->shards) {
    asio::post(sh->ioc, [s = sh.get()] {
      server::begin_shard_stop(*s);
      server::drop_shard_connections(*s);
    });
  }
}

void delay_server::join() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) {
      t.join();
    }
  }
  std::lock_guard lock(impl_->mutex);
  if (impl_->failure) {
    std::rethrow_exception(std::exchange(impl_->failure, nullptr));
  }
}

std::map<std::string, std::vector<recorded_request>> delay_server::records() const {
  return impl_->ctx.records.snapshot();
}

std::string delay_server::records_json() const { return impl_->ctx.records.to_json(); }

void delay_server::write_metrics_file() const {
  const auto written = server::write_records_file(impl_->ctx.records.snapshot(), impl_->ctx.options.metrics_file);
  if (!written.error.empty()) {
    throw std::runtime_error(written.error);
  }
}

std::int64_t delay_server::stored_results() const { return impl_->ctx.store ? impl_->ctx.store->count() : -1; }

std::string delay_server::prometheus_text() const { return impl_->ctx.stats.render_prometheus(impl_->ctx.gauges()); }

std::int64_t count_stored_results(const std::filesystem::path& store_file) {
  return server::count_results_read_only(store_file);
}

namespace server {

server_gauges server_context::gauges() const {
  return server_gauges{.waiting_for_capacity = capacity ? capacity->waiting() : 0,
                       .capacity = options.capacity,
                       .records = records.size(),
                       .record_names = records.names(),
                       .record_bytes = records.bytes(),
                       .record_limit_bytes = records.limit_bytes(),
                       .records_dropped = records.dropped()};
}

} // namespace server

} // namespace overlap
