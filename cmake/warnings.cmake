# Warning flags for every overlap target, as an interface target so that the library,
# the apps and the tests all see the same set.
add_library(overlap_warnings INTERFACE)
# -Wno-missing-field-initializers: C++20 designated initializers leave members at
# their defaults on purpose (`response_head{.status = 404}`); g++ would warn on each.
target_compile_options(overlap_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(OVERLAP_WERROR)
  target_compile_options(overlap_warnings INTERFACE -Werror)
endif()
