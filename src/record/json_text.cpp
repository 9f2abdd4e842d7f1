#include "record/json_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

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

} // namespace overlap::record
