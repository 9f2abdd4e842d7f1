#pragma once
// The report page's assets, embedded at build time from web/ (cmake/embed_assets.py):
// uPlot from web/node_modules (pinned by web/package-lock.json) and the page's own
// template, script and styles from web/src/.
#include <string_view>

namespace overlap::report::assets {

extern const std::string_view page_template; // HTML with @@name@@ markers
extern const std::string_view uplot_js;      // uPlot, minified as published
extern const std::string_view uplot_css;
extern const std::string_view page_js; // web/src/*.js, concatenated in load order
extern const std::string_view page_css;

} // namespace overlap::report::assets
