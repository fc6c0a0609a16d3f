// One-server mode of Client (URL redis:// rediss:// unix://): a pool of multiplexed connections
// to that server (node_pool.h). A failed command is returned as it is: with one server there is
// no other node to send it to, and each connection reconnects by itself.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "redis/node_pool.h"
#include "redis/options.h"
#include "redis/router.h"

namespace ragcache::redis {

class SingleRouter final : public Router {
 public:
  SingleRouter(boost::asio::any_io_executor ex, Endpoint endpoint, const ClientOptions& options)
      : pool_(std::move(ex), std::move(endpoint), options.connection, options.pool_size) {}

  boost::asio::awaitable<Result<Reply>> exec(Command cmd, Connection::Timeout timeout) override {
    return pool_.pick().exec(std::move(cmd), timeout);
  }
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> cmds,
                                                                   Connection::Timeout timeout) override {
    return pool_.pick().exec_pipeline(std::move(cmds), timeout);
  }
  Endpoint endpoint_for(std::optional<std::string_view>) const override { return pool_.endpoint(); }
  boost::asio::awaitable<Result<std::vector<Endpoint>>> primaries() override;
  bool connected() const override { return pool_.connected(); }
  void close() override { pool_.close(); }

 private:
  NodePool pool_;
};

}  // namespace ragcache::redis
