// The single translation unit that compiles Boost.Beast (see src/base/asio_impl.cc for why).
#include <boost/beast/src.hpp>
