// noio: hash only. The floor: what the CPU work alone costs on one core.
#include "workload/run_context.hpp"

namespace overlap::workload {

void run_noio(run_context& ctx) {
  for (std::size_t i = 0; ctx.may_start(i); ++i) {
    ctx.hash_task(i);
  }
}

} // namespace overlap::workload
