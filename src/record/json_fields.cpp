#include "record/json_fields.hpp"

#include "overlap/result_file_error.hpp"

#include <cmath>

namespace overlap::record {

namespace {

bool is_number(const boost::json::value& v) noexcept { return v.is_int64() || v.is_uint64() || v.is_double(); }

double as_double(const boost::json::value& v) noexcept {
  if (v.is_int64()) {
    return static_cast<double>(v.get_int64());
  }
  if (v.is_uint64()) {
    return static_cast<double>(v.get_uint64());
  }
  return v.get_double();
}

} // namespace

std::string_view json_type_name(const boost::json::value& value) noexcept {
  switch (value.kind()) {
  case boost::json::kind::null: return "null";
  case boost::json::kind::bool_: return "a boolean";
  case boost::json::kind::int64:
  case boost::json::kind::uint64: return "an integer";
  case boost::json::kind::double_: return "a number";
  case boost::json::kind::string: return "a string";
  case boost::json::kind::array: return "an array";
  case boost::json::kind::object: return "an object";
  }
  return "a value";
}

std::string fields::where(std::string_view key) const {
  std::string out = path_;
  if (!key.empty()) {
    if (!out.empty() && key.front() != '[') {
      out += '.';
    }
    out += key;
  }
  return out;
}

void fields::fail(std::string_view key, std::string_view message) const {
  const auto path = where(key);
  throw result_file_error((file_.empty() ? std::string() : file_ + ": ") +
                          (path.empty() ? std::string() : path + ": ") + std::string(message));
}

const boost::json::value* fields::find(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

std::string fields::required_string(std::string_view key) const {
  auto s = optional_string(key);
  if (!s) {
    fail(key, "missing (a string is required)");
  }
  return *s;
}

double fields::required_number(std::string_view key) const {
  auto n = optional_number(key);
  if (!n) {
    fail(key, "missing (a number is required)");
  }
  return *n;
}

std::int64_t fields::required_integer(std::string_view key) const {
  auto n = optional_integer(key);
  if (!n) {
    fail(key, "missing (an integer is required)");
  }
  return *n;
}

const boost::json::array& fields::required_array(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) {
    fail(key, "missing (an array is required)");
  }
  if (!v->is_array()) {
    fail(key, "expected an array, got " + std::string(json_type_name(*v)));
  }
  return v->get_array();
}

const boost::json::object& fields::required_object(std::string_view key) const {
  const auto* o = optional_object(key);
  if (o == nullptr) {
    fail(key, "missing (an object is required)");
  }
  return *o;
}

std::optional<std::string> fields::optional_string(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_string()) {
    fail(key, "expected a string, got " + std::string(json_type_name(*v)));
  }
  return std::string(v->get_string());
}

std::optional<double> fields::optional_number(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!is_number(*v)) {
    fail(key, "expected a number, got " + std::string(json_type_name(*v)));
  }
  return as_double(*v);
}

std::optional<std::int64_t> fields::optional_integer(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->is_int64()) {
    return v->get_int64();
  }
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  fail(key, "expected an integer, got " + std::string(json_type_name(*v)));
}

std::optional<bool> fields::optional_bool(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_bool()) {
    fail(key, "expected a boolean, got " + std::string(json_type_name(*v)));
  }
  return v->get_bool();
}

const boost::json::object* fields::optional_object(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) {
    return nullptr;
  }
  if (!v->is_object()) {
    fail(key, "expected an object, got " + std::string(json_type_name(*v)));
  }
  return &v->get_object();
}

fields fields::child(std::string_view key) const { return fields(required_object(key), file_, where(key)); }

fields fields::element(std::string_view key, const boost::json::array& array, std::size_t i) const {
  const auto path = where(key) + "[" + std::to_string(i) + "]";
  const auto& v = array[i];
  if (!v.is_object()) {
    throw result_file_error((file_.empty() ? std::string() : file_ + ": ") + path + ": expected an object, got " +
                            std::string(json_type_name(v)));
  }
  return fields(v.get_object(), file_, path);
}

fields fields::of(const boost::json::value& in, std::string file, std::string path) {
  if (!in.is_object()) {
    std::string where = file.empty() ? std::string() : file + ": ";
    where += path.empty() ? std::string() : path + ": ";
    throw result_file_error(where + "expected an object, got " + std::string(json_type_name(in)));
  }
  return fields(in.get_object(), std::move(file), std::move(path));
}

std::int64_t fields::required_at_least(std::string_view key, std::int64_t minimum) const {
  const auto v = required_integer(key);
  if (v < minimum) {
    fail(key, "must be at least " + std::to_string(minimum) + ", got " + std::to_string(v));
  }
  return v;
}

double fields::required_non_negative(std::string_view key) const {
  const auto v = required_number(key);
  if (!(v >= 0)) {
    fail(key, "must not be negative");
  }
  return v;
}

bool fields::required_bool(std::string_view key) const {
  const auto b = optional_bool(key);
  if (!b) {
    fail(key, "missing (a boolean is required)");
  }
  return *b;
}

const boost::json::value& fields::required_value(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) {
    fail(key, "missing");
  }
  return *v;
}

} // namespace overlap::record
