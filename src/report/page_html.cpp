#include "report/page_html.hpp"

#include "report/assets.hpp"

#include <stdexcept>

namespace overlap::report {

std::string script_safe_json(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 64);
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

namespace {

std::string_view marker_value(std::string_view name, std::string_view data_json, const std::string& title) {
  if (name == "uplot_js")
    return assets::uplot_js;
  if (name == "uplot_css")
    return assets::uplot_css;
  if (name == "page_js")
    return assets::page_js;
  if (name == "page_css")
    return assets::page_css;
  if (name == "data")
    return data_json;
  if (name == "title")
    return title;
  // The template is ours and embedded at build time: an unknown marker is a bug.
  throw std::logic_error("report template has an unknown marker @@" + std::string(name) + "@@");
}

} // namespace

std::string page_html(std::string_view data_json, std::string_view title) {
  const auto safe_title = html_escape(title);
  const std::string_view tpl = assets::page_template;
  std::string out;
  out.reserve(tpl.size() + assets::uplot_js.size() + assets::page_js.size() + data_json.size() + 4096);
  std::size_t at = 0;
  while (true) {
    const auto open = tpl.find("@@", at);
    if (open == std::string_view::npos) {
      break;
    }
    const auto close = tpl.find("@@", open + 2);
    if (close == std::string_view::npos) {
      throw std::logic_error("report template has an unterminated @@ marker");
    }
    out.append(tpl.substr(at, open - at));
    out.append(marker_value(tpl.substr(open + 2, close - open - 2), data_json, safe_title));
    at = close + 2;
  }
  out.append(tpl.substr(at));
  return out;
}

} // namespace overlap::report
