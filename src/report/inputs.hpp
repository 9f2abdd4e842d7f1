#pragma once
// The files overlap report reads: each is read by overlap/result_files.hpp into the
// public result types, so the report reads exactly what the commands write.
#include "overlap/result_files.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace overlap::report {

/// One input file: its name as given on the command line and what it holds.
struct input {
  std::string file;
  result_file contents;
};

/// Reads, parses and validates one file. Throws overlap::report_input_error (file
/// named, field path, what is wrong).
input read_input(const std::filesystem::path& path);

/// The same for text already in memory (the unit tests use this).
input parse_input(std::string_view text, const std::string& display_name);

} // namespace overlap::report
