#include "workload/bcrypt_task.hpp"

#include <crypt.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace overlap::workload {

std::string random_letters(std::mt19937_64& rng, std::size_t count) {
  std::string alphabet = "abcdefghijklmnopqrstuvwxyz";
  std::shuffle(alphabet.begin(), alphabet.end(), rng);
  return alphabet.substr(0, std::min(count, alphabet.size()));
}

std::string bcrypt_hash(std::string_view password, int cost) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // No random bytes passed: libxcrypt takes the salt from the operating system.
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting, sizeof setting) == nullptr) {
    throw std::runtime_error("bcrypt: cannot make a salt for cost " + std::to_string(cost) + ": " +
                             std::strerror(errno));
  }
  // crypt_data is about 32 KiB: one per thread, reused, rather than one per hash.
  thread_local auto scratch = std::make_unique<crypt_data>();
  const std::string text(password);
  const char* hashed = crypt_rn(text.c_str(), setting, scratch.get(), sizeof(crypt_data));
  if (hashed == nullptr || hashed[0] == '*') {
    throw std::runtime_error("bcrypt: hashing failed for cost " + std::to_string(cost));
  }
  return hashed;
}

} // namespace overlap::workload
