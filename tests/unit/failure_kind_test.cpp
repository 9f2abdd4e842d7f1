// The one failure vocabulary: every kind listed once, in enum order, with its own name.
#include "overlap/failure_kind.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

using namespace overlap;

TEST(failure_kind, lists_every_kind_once_in_enum_order) {
  for (std::size_t i = 0; i < all_failure_kinds.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all_failure_kinds[i]), i);
  }
  EXPECT_EQ(all_failure_kinds.back(), failure_kind::tls);
}

TEST(failure_kind, names_each_kind_distinctly_in_lower_case) {
  std::set<std::string_view> names;
  for (const auto kind : all_failure_kinds) {
    const auto name = to_string(kind);
    ASSERT_FALSE(name.empty());
    for (const char c : name) {
      EXPECT_TRUE(c >= 'a' && c <= 'z') << name;
    }
    names.insert(name);
  }
  EXPECT_EQ(names.size(), failure_kind_count);
  EXPECT_EQ(to_string(failure_kind::refused), "refused");
  EXPECT_EQ(to_string(failure_kind::mismatch), "mismatch");
  EXPECT_EQ(to_string(failure_kind::tls), "tls");
}

TEST(failure_kind, counts_are_indexed_by_kind) {
  failure_counts counts{};
  ++count_of(counts, failure_kind::timeout);
  ++count_of(counts, failure_kind::timeout);
  EXPECT_EQ(count_of(counts, failure_kind::timeout), 2U);
  EXPECT_EQ(counts[static_cast<std::size_t>(failure_kind::timeout)], 2U);
  EXPECT_EQ(count_of(counts, failure_kind::reset), 0U);
}
