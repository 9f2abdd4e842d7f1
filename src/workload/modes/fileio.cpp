// fileio: append each hash to a temporary file, which the page cache makes cheap.
#include "workload/run_context.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace overlap::workload {

void run_fileio(run_context& ctx) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), &std::fclose); // removed when closed
  if (!file) {
    throw std::runtime_error("fileio: cannot create a temporary file");
  }
  for (std::size_t i = 0; ctx.may_start(i); ++i) {
    const auto hashed = ctx.hash_task(i);
    const auto start = steady::now();
    if (std::fputs(hashed.c_str(), file.get()) < 0 || std::fputc('\n', file.get()) < 0 ||
        std::fflush(file.get()) != 0) {
      throw std::runtime_error("fileio: cannot write the temporary file");
    }
    ctx.timeline.io(i, start, steady::now());
  }
}

} // namespace overlap::workload
