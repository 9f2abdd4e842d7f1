#pragma once
// Assembling the self-contained page: template, embedded assets and the data.
#include <string>
#include <string_view>

namespace overlap::report {

/// JSON text made safe to sit inside a <script> element: every '<' becomes \u003c,
/// so no "</script>" or "<!--" in a string (a strategy name, an argv) can end or
/// confuse the element. '<' only occurs inside JSON strings, where the escape reads
/// back as the same character.
std::string script_safe_json(std::string_view json);

/// The whole page with `data_json` (already script-safe) inlined. `title` is HTML-escaped.
std::string page_html(std::string_view data_json, std::string_view title);

/// Text escaped for HTML content and attribute values.
std::string html_escape(std::string_view text);

} // namespace overlap::report
