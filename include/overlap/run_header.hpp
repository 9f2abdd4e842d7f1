#pragma once
// The header every overlap result and timeline file starts with: which command made
// it, with which arguments, when, and on which machine (docs/FORMATS.md).
#include <boost/json/fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace overlap {

struct machine_info {
  unsigned cpus = 0;
  std::string cpu_model;
  std::string os;
  std::string compiler;

  /// This machine, read from the standard library and /proc, /etc/os-release (fields
  /// that cannot be read are left empty).
  static machine_info current();
};

struct run_header {
  std::string command; // "crawl", "workload", "sweep"
  std::string argv;    // the command line, arguments separated by spaces
  std::string date;    // UTC, ISO 8601: "2026-11-24T05:40:00Z"
  machine_info machine;
  bool interrupted = false; // the run was stopped early (SIGINT): the file holds what ran

  /// A header for this process, now.
  static run_header capture(std::string command, int argc, const char* const* argv);
  /// The same, with this process's command line read from /proc/self/cmdline.
  static run_header capture(std::string command);
};

/// The version of docs/FORMATS.md every file overlap writes carries in "format". Raised
/// when a field changes meaning or goes away (not when one is added).
inline constexpr std::int64_t format_version = 1;

/// The start of every file's object: "format", "command", "kind", "argv", "date",
/// "machine", and for an interrupted run only "interrupted": true.
/// Files add their own fields to it.
boost::json::object header_fields(const run_header& header, std::string_view kind);

/// Boost.JSON conversions (value_from / value_to). Reading throws result_file_error
/// naming the field for a missing or mistyped one.
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const machine_info& machine);
machine_info tag_invoke(const boost::json::value_to_tag<machine_info>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const run_header& header);
run_header tag_invoke(const boost::json::value_to_tag<run_header>&, const boost::json::value& in);

} // namespace overlap
