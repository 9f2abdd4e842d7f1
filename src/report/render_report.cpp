#include "overlap/report.hpp"

#include "report/inputs.hpp"
#include "report/page_data.hpp"
#include "report/page_html.hpp"

#include <boost/json/serialize.hpp>

namespace overlap {

std::string render_report(const std::vector<std::filesystem::path>& files) {
  std::vector<report::input> inputs;
  inputs.reserve(files.size());
  std::string title = "overlap report:";
  for (const auto& file : files) {
    inputs.push_back(report::read_input(file));
    title += " " + inputs.back().contents.header.command + " " + std::string(kind_of(inputs.back().contents)) + ",";
  }
  title.pop_back();
  const auto data = report::script_safe_json(boost::json::serialize(report::page_data(inputs)));
  return report::page_html(data, title);
}

} // namespace overlap
