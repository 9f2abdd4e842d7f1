#include "overlap/run_header.hpp"

#include "record/json_fields.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

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

boost::json::object header_fields(const run_header& header, std::string_view kind) {
  boost::json::object out;
  out["format"] = format_version;
  out["command"] = header.command;
  out["kind"] = kind;
  out["argv"] = header.argv;
  out["date"] = header.date;
  out["machine"] = boost::json::value_from(header.machine);
  if (header.interrupted) {
    out["interrupted"] = true;
  }
  return out;
}

void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const machine_info& m) {
  out = {{"cpus", m.cpus}, {"cpu_model", m.cpu_model}, {"os", m.os}, {"compiler", m.compiler}};
}

machine_info tag_invoke(const boost::json::value_to_tag<machine_info>&, const boost::json::value& in) {
  const auto f = record::fields::of(in);
  machine_info m;
  m.cpus = static_cast<unsigned>(f.optional_integer("cpus").value_or(0));
  m.cpu_model = f.optional_string("cpu_model").value_or("");
  m.os = f.optional_string("os").value_or("");
  m.compiler = f.optional_string("compiler").value_or("");
  return m;
}

void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const run_header& header) {
  out = {{"command", header.command},
         {"argv", header.argv},
         {"date", header.date},
         {"machine", boost::json::value_from(header.machine)}};
  if (header.interrupted) {
    out.as_object()["interrupted"] = true;
  }
}

run_header tag_invoke(const boost::json::value_to_tag<run_header>&, const boost::json::value& in) {
  const auto f = record::fields::of(in);
  run_header h;
  h.command = f.required_string("command");
  h.argv = f.required_string("argv");
  h.date = f.optional_string("date").value_or("");
  if (f.optional_object("machine") != nullptr) {
    h.machine = boost::json::value_to<machine_info>(f.required_value("machine"));
  }
  h.interrupted = f.optional_bool("interrupted").value_or(false);
  return h;
}

} // namespace overlap
