// The one translation unit that compiles Asio (with its SSL layer) and Beast (separate
// compilation).
// Every other file sees only declarations, so a change elsewhere rebuilds in seconds.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
