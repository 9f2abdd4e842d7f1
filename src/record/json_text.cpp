#include "record/json_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>

namespace overlap::record {

void append_json_string(std::string& out, std::string_view text) {
  out += boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null"; // JSON has no NaN or infinity
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc{} ? end : buffer);
}

void append_json_value(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
  case boost::json::kind::double_: append_json_number(out, value.get_double()); return;
  case boost::json::kind::array: {
    out += '[';
    bool first = true;
    for (const auto& element : value.get_array()) {
      out += first ? "" : ",";
      first = false;
      append_json_value(out, element);
    }
    out += ']';
    return;
  }
  case boost::json::kind::object: {
    out += '{';
    bool first = true;
    for (const auto& entry : value.get_object()) {
      out += first ? "" : ",";
      first = false;
      append_json_string(out, entry.key());
      out += ':';
      append_json_value(out, entry.value());
    }
    out += '}';
    return;
  }
  default: out += boost::json::serialize(value); // null, booleans, integers, strings
  }
}

} // namespace overlap::record
