#pragma once
// Small pieces for writing JSON text straight into a string, for outputs too large to
// build as a document first (a million request records).
#include <string>
#include <string_view>

namespace overlap::record {

/// Appends `text` as a JSON string literal (quoted and escaped).
void append_json_string(std::string& out, std::string_view text);

/// Appends a number in the shortest form that reads back to the same double.
void append_json_number(std::string& out, double value);

} // namespace overlap::record
