#include "overlap/wall_clock.hpp"

namespace overlap {

double to_epoch_seconds(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

double epoch_seconds_now() noexcept { return to_epoch_seconds(std::chrono::system_clock::now()); }

} // namespace overlap
