#include "support/redis_cluster.h"

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/free_port.h"
#include "support/time_scale.h"

namespace ragcache::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::string info_field(const std::string& info, const std::string& field) {
  for (const auto& line : lines_of(info)) {
    if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
  }
  return {};
}

}  // namespace

RedisCluster::RedisCluster(RedisClusterOptions options) : options_(options) {
  const int total = options_.primaries * (1 + options_.replicas_per_primary);
  for (int i = 0; i < total; ++i) {
    RedisServerOptions server;
    // An explicit bus port: the default (port + 10000) does not exist for ports above 55535,
    // which free_port() may hand out.
    server.extra_args = {"--cluster-enabled", "yes",
                         "--cluster-port", std::to_string(free_port()),
                         "--cluster-config-file", "nodes.conf",
                         "--cluster-node-timeout", std::to_string(options_.node_timeout_ms),
                         "--cluster-replica-validity-factor", "0",
                         "--repl-diskless-sync-delay", "0"};
    nodes_.push_back(std::make_unique<RedisServer>(server));
  }
  std::string cmd = "redis-cli --cluster create";
  for (const auto& n : nodes_) cmd += " 127.0.0.1:" + std::to_string(n->port());
  cmd += " --cluster-replicas " + std::to_string(options_.replicas_per_primary) + " --cluster-yes > " +
         nodes_.front()->dir() + "/cluster-create.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("redis-cli --cluster create failed; see " + nodes_.front()->dir() + "/cluster-create.log");
  }
  wait_healthy();
}

RedisCluster::~RedisCluster() = default;

std::string RedisCluster::url() const {
  std::string url = "redis-cluster://";
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (i) url += ',';
    url += "127.0.0.1:" + std::to_string(nodes_[i]->port());
  }
  return url;
}

std::string RedisCluster::node_id(std::size_t i) const { return nodes_.at(i)->command({"CLUSTER", "MYID"}); }

int RedisCluster::primary_of_slot(int slot) const {
  for (const auto& n : nodes_) {
    if (!n->running()) continue;
    // CLUSTER SLOTS rendered by RedisServer::command is flattened; ask CLUSTER NODES instead.
    std::string nodes;
    try {
      nodes = n->command({"CLUSTER", "NODES"});
    } catch (const std::exception&) {
      continue;
    }
    for (const auto& line : lines_of(nodes)) {
      std::istringstream in(line);
      std::string id, addr, flags, master, ping, pong, epoch, link;
      in >> id >> addr >> flags >> master >> ping >> pong >> epoch >> link;
      if (flags.find("master") == std::string::npos || flags.find("fail") != std::string::npos) continue;
      std::string range;
      while (in >> range) {
        if (range.front() == '[') continue;  // migrating/importing markers
        const auto dash = range.find('-');
        const int first = std::stoi(range.substr(0, dash));
        const int last = dash == std::string::npos ? first : std::stoi(range.substr(dash + 1));
        if (slot < first || slot > last) continue;
        const int port = std::stoi(addr.substr(addr.find(':') + 1, addr.find('@') - addr.find(':') - 1));
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
          if (nodes_[i]->port() == port) return static_cast<int>(i);
        }
      }
    }
    return -1;
  }
  return -1;
}

std::string RedisCluster::command(const std::vector<std::string>& argv) const {
  const auto running = primaries();
  if (running.empty()) throw std::runtime_error("no running primary");
  std::size_t target = running.front();
  if (argv.size() >= 2) {
    const int slot = std::stoi(nodes_[target]->command({"CLUSTER", "KEYSLOT", argv[1]}));
    const int owner = primary_of_slot(slot);
    if (owner < 0) throw std::runtime_error("slot " + std::to_string(slot) + " has no primary");
    target = static_cast<std::size_t>(owner);
  }
  return nodes_[target]->command(argv);
}

void RedisCluster::command_on_every_primary(const std::vector<std::string>& argv) {
  for (auto i : primaries()) nodes_[i]->command(argv);
}

std::vector<std::size_t> RedisCluster::primaries() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]->running()) continue;
    std::string nodes;
    try {
      nodes = nodes_[i]->command({"CLUSTER", "NODES"});
    } catch (const std::exception&) {
      continue;
    }
    for (const auto& line : lines_of(nodes)) {
      if (line.find("myself") == std::string::npos || line.find("master") == std::string::npos) continue;
      std::istringstream in(line);
      std::string field;
      int fields = 0;
      while (in >> field) ++fields;
      if (fields > 8) out.push_back(i);  // slot ranges follow the 8 fixed fields
    }
  }
  return out;
}

void RedisCluster::wait_healthy(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  std::string why;
  while (std::chrono::steady_clock::now() < deadline) {
    why.clear();
    for (std::size_t i = 0; i < nodes_.size() && why.empty(); ++i) {
      if (!nodes_[i]->running()) continue;
      try {
        const std::string cluster = nodes_[i]->command({"CLUSTER", "INFO"});
        if (info_field(cluster, "cluster_state") != "ok") why = "node " + std::to_string(i) + " cluster_state not ok";
        const std::string replication = nodes_[i]->command({"INFO", "replication"});
        if (why.empty() && info_field(replication, "role") == "slave" &&
            info_field(replication, "master_link_status") != "up") {
          why = "replica " + std::to_string(i) + " not in sync";
        }
      } catch (const std::exception& e) {
        why = e.what();
      }
    }
    if (why.empty()) {
      for (int slot = 0; slot < 16384 && why.empty(); slot += 1024) {
        const int owner = primary_of_slot(slot);
        if (owner < 0 || !nodes_[static_cast<std::size_t>(owner)]->running()) {
          why = "slot " + std::to_string(slot) + " has no running primary";
        }
      }
    }
    if (why.empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("cluster not healthy in time: " + why);
}

std::size_t RedisCluster::migrate_slot(int slot, std::size_t to, std::size_t batch_keys,
                                       std::chrono::milliseconds pause) {
  const int from_index = primary_of_slot(slot);
  if (from_index < 0) throw std::runtime_error("slot has no primary");
  RedisServer& from = *nodes_[static_cast<std::size_t>(from_index)];
  RedisServer& target = *nodes_.at(to);
  if (&from == &target) return 0;
  const std::string from_id = from.command({"CLUSTER", "MYID"});
  const std::string to_id = target.command({"CLUSTER", "MYID"});
  const std::string s = std::to_string(slot);
  target.command({"CLUSTER", "SETSLOT", s, "IMPORTING", from_id});
  from.command({"CLUSTER", "SETSLOT", s, "MIGRATING", to_id});
  std::size_t moved = 0;
  for (;;) {
    const std::string keys = from.command({"CLUSTER", "GETKEYSINSLOT", s, std::to_string(batch_keys)});
    const auto list = lines_of(keys);
    if (keys.empty() || list.empty()) break;
    std::vector<std::string> argv = {"MIGRATE", "127.0.0.1", std::to_string(target.port()), "", "0", "5000", "KEYS"};
    argv.insert(argv.end(), list.begin(), list.end());
    const std::string reply = from.command(argv);
    if (reply != "OK" && reply != "NOKEY") throw std::runtime_error("MIGRATE failed: " + reply);
    moved += list.size();
    std::this_thread::sleep_for(pause);
  }
  // The target first, then the source, then everyone else (the order redis-cli uses).
  target.command({"CLUSTER", "SETSLOT", s, "NODE", to_id});
  from.command({"CLUSTER", "SETSLOT", s, "NODE", to_id});
  for (auto& n : nodes_) {
    if (n.get() == &from || n.get() == &target || !n->running()) continue;
    if (info_field(n->command({"INFO", "replication"}), "role") != "master") continue;
    n->command({"CLUSTER", "SETSLOT", s, "NODE", to_id});
  }
  return moved;
}

}  // namespace ragcache::testing
