#pragma once
// The header every overlap result and timeline file starts with: which command made
// it, with which arguments, when, and on which machine (docs/FORMATS.md).
#include <string>

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

  /// A header for this process, now.
  static run_header capture(std::string command, int argc, const char* const* argv);
  /// The same, with this process's command line read from /proc/self/cmdline.
  static run_header capture(std::string command);
};

/// Appends `"command": ..., "kind": <kind>, "argv": ..., "date": ..., "machine": {...}`
/// (no braces around them) to a JSON object being written.
void append_header_fields(std::string& json, const run_header& header, const char* kind);

} // namespace overlap
