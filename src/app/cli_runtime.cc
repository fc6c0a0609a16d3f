#include "app/cli_runtime.h"

#include <boost/asio/co_spawn.hpp>

namespace ragcache::app {

Result<std::unique_ptr<redis::Client>> make_cli_client(boost::asio::io_context& io, const std::string& url) {
  redis::ClientOptions options;
  options.url = url;
  options.pool_size = 1;
  options.connection.client_name = "ragcache-cli";
  return redis::Client::create(io.get_executor(), options);
}

int run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<int> work) {
  int rc = 1;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, int result) {
    rc = e ? 1 : result;
    io.stop();
  });
  io.run();
  return rc;
}

}  // namespace ragcache::app
