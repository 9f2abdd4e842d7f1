#pragma once
// Small pieces for writing JSON text straight into a string, for outputs too large to
// build as a document first (a million request records).
#include <boost/json/fwd.hpp>

#include <string>
#include <string_view>

namespace overlap::record {

/// Appends `text` as a JSON string literal (quoted and escaped).
void append_json_string(std::string& out, std::string_view text);

/// Appends a number in the shortest form that reads back to the same double.
void append_json_number(std::string& out, double value);

/// Appends `value` as JSON text, as boost::json::serialize does but with numbers in the
/// shortest plain form (0.1, 1.0123, 100) rather than Boost.JSON's exponent form
/// (1E-1, 1.0123E0, 1E2), so that files stay readable by people.
void append_json_value(std::string& out, const boost::json::value& value);

} // namespace overlap::record
