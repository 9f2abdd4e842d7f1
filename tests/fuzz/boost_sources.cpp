// Boost.URL and Boost.JSON compiled into the fuzzer itself, so that their code is
// coverage-instrumented too and the fuzzer is guided through query decoding and JSON
// escaping (Debian's shared libraries are not instrumented). These definitions take
// precedence over the shared libraries' for this executable.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
