#pragma once
// The workload's CPU task: bcrypt-hash a random password at a given cost.
#include <random>
#include <string>
#include <string_view>

namespace overlap::workload {

/// 10 distinct random lowercase letters, as the book makes its passwords (and URLs).
std::string random_letters(std::mt19937_64& rng, std::size_t count = 10);

/// The bcrypt hash ("$2b$<cost>$...") of `password` with a fresh random salt, through
/// libxcrypt. Thread-safe (each thread keeps its own scratch space). Throws
/// std::runtime_error if libxcrypt refuses (e.g. a cost outside 4..31).
std::string bcrypt_hash(std::string_view password, int cost);

} // namespace overlap::workload
