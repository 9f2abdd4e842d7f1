#include "report/inputs.hpp"

#include "overlap/report.hpp"
#include "report/input_bodies.hpp"
#include "report/json_fields.hpp"

#include <boost/json/stream_parser.hpp>

#include <array>
#include <fstream>
#include <sstream>

namespace overlap::report {

namespace {

// Where the parser stopped, as "line L, column C", so a hand-edited file is fixable.
std::string position_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

boost::json::value parse_json(std::string_view text, const std::string& name) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const auto consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    throw report_input_error(name + ": not valid JSON (" + ec.message() + " at " + position_of(text, consumed) + ")");
  }
  return parser.release();
}

struct known_kind {
  std::string_view command, kind;
};
constexpr std::array known_kinds{known_kind{"crawl", "result"}, known_kind{"crawl", "timeline"},
                                 known_kind{"workload", "result"}, known_kind{"workload", "timeline"},
                                 known_kind{"sweep", "result"}};

input_header read_header(const fields& root) {
  input_header h;
  h.file = root.file();
  if (root.object().contains("traceEvents")) {
    root.fail("", "a Chrome trace (--timeline-format trace), which overlap report does not draw; "
                  "write the timeline as JSON instead");
  }
  h.command = root.required_string("command");
  if (h.command != "crawl" && h.command != "workload" && h.command != "sweep") {
    root.fail("command", "unknown command \"" + h.command + "\" (expected crawl, workload or sweep)");
  }
  h.kind = root.required_string("kind");
  bool known = false;
  for (const auto& k : known_kinds) {
    known = known || (k.command == h.command && k.kind == h.kind);
  }
  if (!known) {
    root.fail("kind", "unknown kind \"" + h.kind + "\" for command " + h.command +
                          (h.command == "sweep" ? " (expected result)" : " (expected result or timeline)"));
  }
  h.argv = root.required_string("argv");
  h.date = root.optional_string("date").value_or("");
  if (const auto* machine = root.optional_object("machine")) {
    h.machine = *machine;
  }
  return h;
}

} // namespace

input parse_input(std::string_view text, const std::string& display_name) {
  const auto value = parse_json(text, display_name);
  if (!value.is_object()) {
    throw report_input_error(display_name + ": expected a JSON object with \"command\" and \"kind\", got " +
                             std::string(json_type_name(value)));
  }
  const fields root(value.get_object(), display_name, "");
  input in{read_header(root), crawl_result{}};
  const auto& h = in.header;
  if (h.command == "crawl") {
    if (h.kind == "result") {
      in.body = read_crawl_result(root);
    } else {
      in.body = read_crawl_timeline(root);
    }
  } else if (h.command == "workload") {
    if (h.kind == "result") {
      in.body = read_workload_result(root);
    } else {
      in.body = read_workload_timeline(root);
    }
  } else {
    in.body = read_sweep_result(root);
  }
  return in;
}

input read_input(const std::filesystem::path& path) {
  const auto name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw report_input_error(name + ": is a directory, not a result file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw report_input_error(name + ": cannot open: " + std::generic_category().message(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    throw report_input_error(name + ": cannot read");
  }
  return parse_input(text.str(), name);
}

} // namespace overlap::report
