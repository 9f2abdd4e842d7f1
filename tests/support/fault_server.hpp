#pragma once
// An HTTP server for tests that misbehaves on purpose: the first time it sees some
// targets it answers 500, resets the connection, or sends a malformed response; every
// other request gets 200 with body ".". It counts what it injected, so a test can
// compare the client's error counts with the truth.
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
  std::size_t total_faults() const { return status_500 + resets + malformed; }
};

/// Listens on 127.0.0.1, port 0, on its own thread until destroyed. A target is
/// faulty (once) when a hash of it modulo 10 is 0 (500), 1 (reset) or 2 (malformed).
class fault_server {
public:
  fault_server();
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
