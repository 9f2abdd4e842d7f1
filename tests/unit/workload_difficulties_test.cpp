// Several bcrypt costs in one workload command: parsing the list, running every mode at
// every cost, and the table that compares each run with the baseline of its own cost.
#include "overlap/workload.hpp"

#include "overlap/workload_output.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

using namespace overlap;

namespace {

workload_result run_of(workload_mode mode, int difficulty, double seconds) {
  workload_result r;
  r.mode = mode;
  r.n = 10;
  r.difficulty = difficulty;
  r.seconds = seconds;
  r.saved = mode == workload_mode::noio ? 0 : 10;
  return r;
}

} // namespace

TEST(workload_difficulties, a_list_is_parsed_ascending_without_repeats) {
  EXPECT_EQ(parse_difficulties("8"), (std::vector<int>{8}));
  EXPECT_EQ(parse_difficulties("12,8,10,11,10"), (std::vector<int>{8, 10, 11, 12}));
  EXPECT_EQ(parse_difficulties("4,31"), (std::vector<int>{4, 31}));
}

TEST(workload_difficulties, a_bad_list_is_refused_with_a_reason) {
  for (const char* bad : {"", "8,", ",8", "8,,9", "8;9", "8.5", "x", "3", "32", "8,99999999999"}) {
    EXPECT_THROW(parse_difficulties(bad), std::invalid_argument) << bad;
  }
  try {
    parse_difficulties("8,3");
    FAIL() << "3 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "'8,3': each cost must be 4 to 31");
  }
}

TEST(workload_difficulties, every_mode_runs_at_every_cost_cost_by_cost) {
  workload_options options;
  options.n = 2;
  std::vector<std::pair<workload_mode, int>> seen;
  const auto runs = run_workloads(options, {workload_mode::noio, workload_mode::fileio}, {4, 5}, {},
                                  [&](const workload_result& r) { seen.emplace_back(r.mode, r.difficulty); });
  const std::vector<std::pair<workload_mode, int>> expected{
      {workload_mode::noio, 4}, {workload_mode::fileio, 4}, {workload_mode::noio, 5}, {workload_mode::fileio, 5}};
  EXPECT_EQ(seen, expected);
  ASSERT_EQ(runs.size(), 4U);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(std::pair(runs[i].mode, runs[i].difficulty), expected[i]);
    EXPECT_EQ(runs[i].n, 2U);
  }
}

TEST(workload_difficulties, each_run_is_compared_with_the_noio_run_of_its_own_cost) {
  const std::vector<workload_result> runs{
      run_of(workload_mode::noio, 8, 2.0),     run_of(workload_mode::serial, 8, 8.0),
      run_of(workload_mode::async, 8, 2.5),    run_of(workload_mode::noio, 10, 5.0),
      run_of(workload_mode::serial, 10, 11.0), run_of(workload_mode::async, 10, 5.5)};
  const auto refs = workload::find_references(runs, 10);
  EXPECT_EQ(refs.noio, 5.0);
  EXPECT_EQ(refs.serial, 11.0);
  EXPECT_EQ(workload::format_table(runs), "mode     cost   seconds   x noio I/O hidden   saved  failed\n"
                                          "noio        8     2.000    1.000          -       -       -\n"
                                          "serial      8     8.000    4.000      0.0 %      10       0\n"
                                          "async       8     2.500    1.250     91.7 %      10       0\n"
                                          "noio       10     5.000    1.000          -       -       -\n"
                                          "serial     10    11.000    2.200      0.0 %      10       0\n"
                                          "async      10     5.500    1.100     91.7 %      10       0\n");
}

TEST(workload_difficulties, a_table_of_one_cost_has_no_cost_column) {
  const std::vector<workload_result> runs{run_of(workload_mode::noio, 8, 2.0), run_of(workload_mode::async, 8, 2.5)};
  EXPECT_EQ(workload::format_table(runs), "mode       seconds   x noio I/O hidden   saved  failed\n"
                                          "noio         2.000    1.000          -       -       -\n"
                                          "async        2.500    1.250          -      10       0\n");
}
