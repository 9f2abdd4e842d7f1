#include "server/metrics_file.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace overlap::server;

namespace {

struct temporary_folder {
  temporary_folder() {
    path = std::filesystem::temp_directory_path() / ("overlap-metrics-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~temporary_folder() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST(metrics_file, replaces_the_old_file_whole_and_leaves_no_temporary_file) {
  temporary_folder folder;
  const auto path = folder.path / "metric_data.json";
  std::ofstream(path) << "old";
  records_by_name records{{"a", {{1, 2}, {3, 4}}}};
  const auto written = write_records_file(records, path, 8);
  ASSERT_TRUE(written.error.empty()) << written.error;
  EXPECT_EQ(read_file(path), records_to_json(records));
  EXPECT_EQ(written.size, records_to_json(records).size());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder.path), {}), 1); // no leftover
  char first = 0;
  EXPECT_EQ(::pread(written.file.get(), &first, 1, 0), 1); // it reads back what it wrote
  EXPECT_EQ(first, '{');
}

TEST(metrics_file, a_missing_folder_is_said_with_the_systems_reason_and_nothing_is_left) {
  temporary_folder folder;
  const auto path = folder.path / "missing" / "metric_data.json";
  EXPECT_NE(metrics_file_problem(path).find("No such file or directory"), std::string::npos);
  const auto written = write_records_file({}, path);
  EXPECT_NE(written.error.find("No such file or directory"), std::string::npos) << written.error;
  EXPECT_TRUE(metrics_file_problem(folder.path / "ok.json").empty());
  EXPECT_FALSE(metrics_file_problem(folder.path).empty()); // a folder is not a file
  EXPECT_FALSE(metrics_file_problem("").empty());
}
