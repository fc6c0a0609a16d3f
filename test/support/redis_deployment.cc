#include "support/redis_deployment.h"

#include "support/redis_cluster.h"
#include "support/redis_server.h"

namespace ragcache::testing {
namespace {

class ServerDeployment final : public RedisDeployment {
 public:
  Deployment kind() const override { return Deployment::server; }
  std::string url() const override { return server_.url(); }
  std::string command(const std::vector<std::string>& argv) override { return server_.command(argv); }
  void command_on_every_primary(const std::vector<std::string>& argv) override { server_.command(argv); }
  void ensure_running() {
    if (!server_.running()) server_.start();
  }

 private:
  RedisServer server_;
};

class ClusterDeployment final : public RedisDeployment {
 public:
  Deployment kind() const override { return Deployment::cluster; }
  std::string url() const override { return cluster_.url(); }
  std::string command(const std::vector<std::string>& argv) override { return cluster_.command(argv); }
  void command_on_every_primary(const std::vector<std::string>& argv) override {
    cluster_.command_on_every_primary(argv);
  }

 private:
  RedisCluster cluster_;
};

}  // namespace

RedisDeployment& shared_deployment(Deployment kind) {
  if (kind == Deployment::server) {
    static ServerDeployment server;
    server.ensure_running();
    return server;
  }
  static ClusterDeployment cluster;
  return cluster;
}

std::string untagged_key_prefix() {
  std::string prefix = key_prefix();
  std::erase_if(prefix, [](char c) { return c == '{' || c == '}'; });
  return prefix;
}

void PrintTo(Deployment kind, std::ostream* os) { *os << (kind == Deployment::server ? "server" : "cluster"); }

std::string deployment_name(const ::testing::TestParamInfo<Deployment>& info) {
  return info.param == Deployment::server ? "server" : "cluster";
}

}  // namespace ragcache::testing
