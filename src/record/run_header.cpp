#include "overlap/run_header.hpp"

#include "record/json_text.hpp"

#include <ctime>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

namespace overlap {

namespace {

/// The value after `key` on the first line of `file` that starts with it.
std::string first_value(const char* file, std::string_view key, char separator) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(key)) {
      const auto at = line.find(separator);
      if (at == std::string::npos) {
        continue;
      }
      std::string value = line.substr(at + 1);
      value.erase(0, value.find_first_not_of(" \t\""));
      while (!value.empty() && (value.back() == '"' || value.back() == ' ')) {
        value.pop_back();
      }
      return value;
    }
  }
  return {};
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

} // namespace

machine_info machine_info::current() {
  machine_info m;
  m.cpus = std::thread::hardware_concurrency();
  m.cpu_model = first_value("/proc/cpuinfo", "model name", ':');
  m.os = first_value("/etc/os-release", "PRETTY_NAME=", '=');
#if defined(__clang__)
  m.compiler = "clang++ " __clang_version__;
#elif defined(__GNUC__)
  m.compiler = "g++ " __VERSION__;
#endif
  return m;
}

run_header run_header::capture(std::string command, int argc, const char* const* argv) {
  run_header h;
  h.command = std::move(command);
  for (int i = 0; i < argc; ++i) {
    if (i > 0) {
      h.argv += ' ';
    }
    h.argv += argv[i];
  }
  h.date = utc_now_iso8601();
  h.machine = machine_info::current();
  return h;
}

run_header run_header::capture(std::string command) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < all.size()) {
    const auto end = all.find('\0', at);
    words.push_back(all.substr(at, end == std::string::npos ? std::string::npos : end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  std::vector<const char*> argv;
  for (const auto& w : words) {
    argv.push_back(w.c_str());
  }
  return capture(std::move(command), static_cast<int>(argv.size()), argv.data());
}

void append_header_fields(std::string& json, const run_header& header, const char* kind) {
  using record::append_json_string;
  json += "\"command\": ";
  append_json_string(json, header.command);
  json += ", \"kind\": ";
  append_json_string(json, kind);
  json += ", \"argv\": ";
  append_json_string(json, header.argv);
  json += ", \"date\": ";
  append_json_string(json, header.date);
  json += ", \"machine\": {\"cpus\": " + std::to_string(header.machine.cpus) + ", \"cpu_model\": ";
  append_json_string(json, header.machine.cpu_model);
  json += ", \"os\": ";
  append_json_string(json, header.machine.os);
  json += ", \"compiler\": ";
  append_json_string(json, header.machine.compiler);
  json += "}";
}

} // namespace overlap
