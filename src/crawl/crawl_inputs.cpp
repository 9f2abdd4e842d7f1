// What a user writes to say what to crawl: header lines, status ranges and URL lists,
// each read into the options with a one-line reason for anything else.
#include "crawl/request_source.hpp"
#include "overlap/crawl.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace overlap {

namespace {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

int parse_status(std::string_view text, std::string_view whole) {
  int status = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
  if (ec != std::errc{} || end != text.data() + text.size() || status < 100 || status > 599) {
    throw std::invalid_argument("'" + std::string(whole) + "' is not a list of HTTP statuses and ranges (e.g. " +
                                "200-399 or 200,204,301-308)");
  }
  return status;
}

/// Splits `line` at runs of spaces and tabs.
std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  while (!(line = trim(line)).empty()) {
    const auto end = std::min(line.find_first_of(" \t"), line.size());
    words.push_back(line.substr(0, end));
    line.remove_prefix(end);
  }
  return words;
}

} // namespace

std::string read_whole_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::invalid_argument("cannot read " + std::string(what) + " '" + path + "'");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

request_header parse_request_header(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    throw std::invalid_argument("header '" + std::string(line) + "' has no colon: give it as 'Name: value'");
  }
  const auto name = line.substr(0, colon);
  if (!crawl::is_http_token(name)) {
    throw std::invalid_argument("header '" + std::string(line) + "' has no valid name before its colon");
  }
  if (boost::beast::iequals(name, "content-length") || boost::beast::iequals(name, "transfer-encoding")) {
    throw std::invalid_argument("header '" + std::string(name) + "' is set by the crawler from the body");
  }
  const auto value = trim(line.substr(colon + 1));
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    throw std::invalid_argument("header '" + std::string(name) + "' has a line break in its value");
  }
  return {std::string(name), std::string(value)};
}

std::vector<status_range> parse_status_ranges(std::string_view text) {
  std::vector<status_range> ranges;
  std::string_view rest = text;
  while (true) {
    const auto comma = std::min(rest.find(','), rest.size());
    const auto item = trim(rest.substr(0, comma));
    const auto dash = item.find('-');
    status_range r;
    r.first = parse_status(item.substr(0, dash), text);
    r.last = dash == std::string_view::npos ? r.first : parse_status(item.substr(dash + 1), text);
    if (r.last < r.first) {
      throw std::invalid_argument("status range '" + std::string(item) + "' ends before it starts");
    }
    ranges.push_back(r);
    if (comma == rest.size()) {
      return ranges;
    }
    rest.remove_prefix(comma + 1);
  }
}

bool status_in(std::span<const status_range> ranges, int status) noexcept {
  return std::any_of(ranges.begin(), ranges.end(),
                     [status](const status_range& r) { return status >= r.first && status <= r.last; });
}

std::vector<crawl_target> parse_url_list(std::string_view text, std::string_view source,
                                         const std::function<std::string(const std::string&)>& read_body) {
  std::vector<crawl_target> targets;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto end = std::min(text.find('\n'), text.size());
    const auto line = trim(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.empty() || line.starts_with('#')) {
      continue;
    }
    const auto where = std::string(source) + ":" + std::to_string(number) + ": ";
    const auto words = words_of(line);
    crawl_target t;
    std::size_t at = 0;
    if (words.size() > 1 && words[0].find("://") == std::string_view::npos) {
      t.method = std::string(words[at++]);
      if (!crawl::is_http_token(t.method)) {
        throw std::invalid_argument(where + "'" + t.method + "' is not an HTTP method");
      }
    }
    t.url = std::string(words[at++]);
    if (t.url.find("://") == std::string::npos) {
      throw std::invalid_argument(where + "expected [METHOD] URL [@BODY_FILE], not '" + std::string(line) + "'");
    }
    if (at < words.size() && words[at].starts_with('@') && words[at].size() > 1) {
      try {
        t.body = read_body(std::string(words[at++].substr(1)));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where + e.what());
      }
    }
    if (at != words.size()) {
      throw std::invalid_argument(where + "unexpected '" + std::string(words[at]) +
                                  "': expected [METHOD] URL [@BODY_FILE]");
    }
    try {
      crawl_options check;
      check.targets = {t};
      crawl::request_source{check}; // the URL and method as the crawl will take them
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + e.what());
    }
    targets.push_back(std::move(t));
  }
  if (targets.empty()) {
    throw std::invalid_argument(std::string(source) + ": no URL in the list");
  }
  return targets;
}

std::vector<crawl_target> read_url_list(const std::string& path) {
  const auto text = read_whole_file(path, "URL list");
  const auto dir = std::filesystem::path(path).parent_path();
  return parse_url_list(text, path, [&dir](const std::string& name) {
    const std::filesystem::path file(name);
    return read_whole_file(file.is_absolute() ? name : (dir / file).string(), "body file");
  });
}

} // namespace overlap
