// The single translation unit that compiles Boost.Asio (and its SSL part): every other file is
// built with BOOST_ASIO_SEPARATE_COMPILATION and only sees declarations. Saves build time.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
