// What the one-shot CLI commands (session, hot, docs) share: a Redis client with one connection,
// and running one coroutine to completion on a private io_context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "base/error.h"
#include "redis/client.h"

namespace ragcache::app {

// A single-connection client named "ragcache-cli" (visible in CLIENT LIST).
Result<std::unique_ptr<redis::Client>> make_cli_client(boost::asio::io_context& io, const std::string& url);

// Runs `work` on io until it finishes and returns its exit code (1 if it threw). Stops io
// afterwards, because the clients' connection coroutines would otherwise keep it running.
int run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<int> work);

}  // namespace ragcache::app
