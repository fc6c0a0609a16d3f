// The Redis a parameterised integration suite runs against: one redis-server, or a local
// 6-node Redis Cluster. A suite written once (TEST_P on a fixture that asks for
// shared_deployment(GetParam())) is instantiated with Deployment::server in its *_itest.cc and
// with Deployment::cluster in its *_ctest.cc, so every behaviour is checked on both and no
// CROSSSLOT error can hide.
//
// Test-side commands go through command(): on a cluster it is sent to the primary that serves
// its key (argv[1]), so assertions like PTTL/EXISTS read the right node.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace ragcache::testing {

enum class Deployment { server, cluster };

class RedisDeployment {
 public:
  virtual ~RedisDeployment() = default;
  virtual Deployment kind() const = 0;
  // The URL a Client takes: redis://... or redis-cluster://...
  virtual std::string url() const = 0;
  // One command where its key (argv[1]) lives, rendered as RedisServer::command does.
  virtual std::string command(const std::vector<std::string>& argv) = 0;
  // One command on every primary (SCRIPT FLUSH, ...).
  virtual void command_on_every_primary(const std::vector<std::string>& argv) = 0;
};

// This process's deployment of that kind, started on first use (a killed single server is
// restarted) and stopped at exit. CTest runs every test case in its own process, so each case
// pays one start; running a test executable directly shares one deployment among its cases.
RedisDeployment& shared_deployment(Deployment kind);

// A unique key prefix for one test WITHOUT a hash tag ("t:<test-name>-<n>:"), for code whose
// keys carry their own tags: on a cluster they then spread over every node, as in production
// (key_prefix() of redis_server.h would pin them all to one slot).
std::string untagged_key_prefix();

// How gtest prints the parameter (CTest's test names end "# GetParam() = cluster").
void PrintTo(Deployment kind, std::ostream* os);

// Test-name suffix for INSTANTIATE_TEST_SUITE_P: "server" or "cluster".
std::string deployment_name(const ::testing::TestParamInfo<Deployment>& info);

}  // namespace ragcache::testing
