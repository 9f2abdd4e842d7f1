#pragma once
// One reader per (command, kind): each validates the body of a file whose header has
// already been read. Internal to src/report/.
#include "report/inputs.hpp"
#include "report/json_fields.hpp"

namespace overlap::report {

crawl_result read_crawl_result(const fields& root);
crawl_timeline read_crawl_timeline(const fields& root);
workload_result read_workload_result(const fields& root);
workload_timeline read_workload_timeline(const fields& root);
sweep_result read_sweep_result(const fields& root);

} // namespace overlap::report
