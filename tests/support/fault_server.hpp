#pragma once
// An HTTP server for tests that misbehaves on purpose: the first time it sees some
// targets it answers 500, resets the connection, or sends a malformed response; every
// other request gets 200 with body ".". It counts what it injected, so a test can
// compare the client's error counts with the truth. Other styles script one defect
// for every request (interim answers, a cut-off head, an endless body, a busy 503).
#include <cstddef>
#include <cstdint>
#include <memory>

namespace overlap::test {

struct fault_counts {
  std::size_t requests = 0;
  std::size_t status_500 = 0;
  std::size_t resets = 0;
  std::size_t malformed = 0;
  std::size_t connections = 0;
  std::size_t busy_503 = 0;
  std::size_t total_faults() const { return status_500 + resets + malformed; }
};

/// How a fault_server answers each request.
enum class fault_style {
  hashed_faults,   ///< as above: some targets fail once, by a hash of the target
  interim_then_ok, ///< `100 Continue` and `103 Early Hints`, then 200 "."
  truncated_head,  ///< `HTTP/1.1 200 OK\r\nContent-Le`, then close
  endless_body,    ///< 200 without a length, then body bytes until the client leaves
  busy_then_ok,    ///< 503 with `Retry-After: 1` the first time a target is seen, then 200 "."
};

/// Listens on 127.0.0.1, port 0, on its own thread until destroyed. With
/// hashed_faults, a target is faulty (once) when a hash of it modulo 10 is 0 (500),
/// 1 (reset) or 2 (malformed).
class fault_server {
public:
  explicit fault_server(fault_style style = fault_style::hashed_faults);
  ~fault_server();
  fault_server(const fault_server&) = delete;
  fault_server& operator=(const fault_server&) = delete;

  std::uint16_t port() const;
  fault_counts counts() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace overlap::test
