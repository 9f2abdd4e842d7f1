#pragma once
// The error of reading a result or timeline file that does not follow docs/FORMATS.md.
#include <stdexcept>

namespace overlap {

/// A file, or a JSON value, that is not what its format says: what() is one line naming
/// the file (when known), the field path (`runs[2].seconds`) and what is wrong.
class result_file_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace overlap
