#pragma once
// Reading fields out of a parsed file with errors that say where: every accessor
// names the file and the field path (`runs[2].latency_ms.p99`) when it throws
// overlap::result_file_error. Unknown fields are ignored; optional ones may be absent
// or null, but when present they must have the right type.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace overlap::record {

/// A JSON object together with where it is, for error messages.
class fields {
public:
  fields(const boost::json::object& object, std::string file, std::string path)
      : object_(&object), file_(std::move(file)), path_(std::move(path)) {}

  std::string required_string(std::string_view key) const;
  double required_number(std::string_view key) const;
  std::int64_t required_integer(std::string_view key) const;
  /// An integer that is at least `minimum` (counts, sizes).
  std::int64_t required_at_least(std::string_view key, std::int64_t minimum) const;
  double required_non_negative(std::string_view key) const;
  const boost::json::array& required_array(std::string_view key) const;
  const boost::json::object& required_object(std::string_view key) const;

  std::optional<std::string> optional_string(std::string_view key) const;
  std::optional<double> optional_number(std::string_view key) const;
  std::optional<std::int64_t> optional_integer(std::string_view key) const;
  std::optional<bool> optional_bool(std::string_view key) const;
  bool required_bool(std::string_view key) const;
  /// The value at `key` (required, not null), as fields-aware code reads it.
  const boost::json::value& required_value(std::string_view key) const;
  std::string path_of(std::string_view key) const { return where(key); }
  const boost::json::object* optional_object(std::string_view key) const;

  /// The object at `key` (required), as fields whose path extends this one.
  fields child(std::string_view key) const;
  /// Element `i` of the array at `key`, which must be an object.
  fields element(std::string_view key, const boost::json::array& array, std::size_t i) const;

  /// The value `in` as an object to read ("<file>: <path>: expected an object" if not).
  static fields of(const boost::json::value& in, std::string file = {}, std::string path = {});

  /// Throws result_file_error: "<file>: <path.key>: <message>" (no file part when unnamed).
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;

  const std::string& file() const noexcept { return file_; }
  const boost::json::object& object() const noexcept { return *object_; }

private:
  const boost::json::value* find(std::string_view key) const;
  std::string where(std::string_view key) const;

  const boost::json::object* object_;
  std::string file_;
  std::string path_;
};

/// The JSON type of a value as a word for error messages ("a string", "null").
std::string_view json_type_name(const boost::json::value& value) noexcept;

} // namespace overlap::record
