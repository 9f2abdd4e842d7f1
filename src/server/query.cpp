#include "server/query.hpp"

#include "server/utf8.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace overlap::server {

bool parse_delay(std::string_view text, std::chrono::milliseconds& out) noexcept {
  if (text.empty() || text.size() > 10) {
    return false;
  }
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > max_delay.count()) {
    return false;
  }
  out = std::chrono::milliseconds(value);
  return true;
}

bool flag_is_set(std::string_view value) noexcept {
  return !(value.empty() || value == "0" || value == "false" || value == "False");
}

namespace {

// In a query, '+' stands for a space (form encoding), as tornado decodes it.
void assign_decoded(std::string& out, boost::urls::pct_string_view encoded, bool plus_is_space = true) {
  out.clear();
  boost::urls::encoding_opts options;
  options.space_as_plus = plus_is_space;
  encoded.decode(options, boost::urls::string_token::append_to(out));
}

} // namespace

void parse_target(std::string_view target, parsed_target& out) {
  out.path.clear();
  out.malformed = false;
  out.invalid_delay = false;
  out.name_too_long = false;
  out.add = add_arguments{std::move(out.add.name)};
  out.add.name.clear();

  auto parsed =
      target.starts_with('/') ? boost::urls::parse_origin_form(target) : boost::urls::parse_absolute_uri(target);
  if (!parsed) {
    out.malformed = true;
    return;
  }
  auto url = *parsed;
  if (url.has_scheme() && url.scheme_id() != boost::urls::scheme::http &&
      url.scheme_id() != boost::urls::scheme::https) {
    out.malformed = true;
    return;
  }
  assign_decoded(out.path, url.encoded_path(), false);

  std::string delay_text;
  bool has_delay = false;
  std::string value;
  for (auto param : url.encoded_params()) {
    auto key = *param.key; // decoded view
    if (key == "name") {
      assign_decoded(out.add.name, param.value);
      out.add.has_name = true;
    } else if (key == "delay") {
      assign_decoded(delay_text, param.value);
      has_delay = true;
    } else if (key == "flush") {
      assign_decoded(value, param.value);
      out.add.flush = flag_is_set(value);
    } else if (key == "reset") {
      assign_decoded(value, param.value);
      out.add.reset = flag_is_set(value);
    }
  }
  if (out.add.name.size() > max_name_bytes) {
    out.name_too_long = true;
  }
  replace_invalid_utf8(out.add.name);
  if (has_delay && !parse_delay(delay_text, out.add.delay)) {
    out.invalid_delay = true;
  }
}

} // namespace overlap::server
