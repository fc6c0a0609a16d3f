#include "support/redis_sentinel.h"

#include <hiredis/hiredis.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/free_port.h"
#include "support/time_scale.h"

namespace ragcache::testing {
namespace {

std::string render(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_NIL: return "(nil)";
    case REDIS_REPLY_INTEGER: return std::to_string(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::string out;
      for (size_t i = 0; i < r->elements; ++i) {
        if (i) out += '\n';
        out += render(r->element[i]);
      }
      return out;
    }
    default: return std::string(r->str, r->len);
  }
}

std::string tcp_command(int port, const std::vector<std::string>& argv) {
  timeval tv{2, 0};
  redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (ctx == nullptr || ctx->err) {
    if (ctx) redisFree(ctx);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  redisSetTimeout(ctx, tv);
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(redisCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lens.data()));
  if (reply == nullptr) {
    redisFree(ctx);
    throw std::runtime_error("no reply from 127.0.0.1:" + std::to_string(port));
  }
  std::string out = render(reply);
  freeReplyObject(reply);
  redisFree(ctx);
  return out;
}

std::string info_field(const std::string& info, const std::string& field) {
  std::istringstream in(info);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
  }
  return {};
}

}  // namespace

RedisSentinelSet::RedisSentinelSet(RedisSentinelOptions options) : options_(std::move(options)) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "ragcache-sentinel-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  // No diskless-sync delay: replicas (and a promoted primary's new replica) sync at once.
  RedisServerOptions primary;
  primary.extra_args = {"--repl-diskless-sync-delay", "0"};
  nodes_.push_back(std::make_unique<RedisServer>(primary));
  RedisServerOptions replica;
  replica.extra_args = {"--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1",
                        std::to_string(nodes_[0]->port())};
  nodes_.push_back(std::make_unique<RedisServer>(replica));

  for (int i = 0; i < options_.sentinels; ++i) {
    const int port = free_port();
    const std::string conf = dir_ + "/sentinel-" + std::to_string(i) + ".conf";
    std::ofstream out(conf);
    out << "port " << port << "\nbind 127.0.0.1\ndaemonize no\nprotected-mode no\n"
        << "dir " << dir_ << "\nlogfile " << dir_ << "/sentinel-" << i << ".log\n"
        << "sentinel monitor " << options_.master_name << " 127.0.0.1 " << nodes_[0]->port() << " 2\n"
        << "sentinel down-after-milliseconds " << options_.master_name << " " << options_.down_after_ms << "\n"
        << "sentinel failover-timeout " << options_.master_name << " " << options_.failover_timeout_ms << "\n"
        << "sentinel parallel-syncs " << options_.master_name << " 1\n";
    out.close();
    sentinel_ports_.push_back(port);
    sentinels_.emplace_back(std::vector<std::string>{"redis-server", conf, "--sentinel"});
  }
  wait_stable();
}

RedisSentinelSet::~RedisSentinelSet() {
  sentinels_.clear();  // Process kills and reaps
  nodes_.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RedisSentinelSet::url() const {
  std::string url = "redis-sentinel://";
  for (std::size_t i = 0; i < sentinel_ports_.size(); ++i) {
    if (i) url += ',';
    url += "127.0.0.1:" + std::to_string(sentinel_ports_[i]);
  }
  return url + "/" + options_.master_name;
}

std::string RedisSentinelSet::sentinel_command(std::size_t i, const std::vector<std::string>& argv) const {
  return tcp_command(sentinel_ports_.at(i), argv);
}

int RedisSentinelSet::primary_index() const {
  for (std::size_t s = 0; s < sentinel_ports_.size(); ++s) {
    std::string addr;
    try {
      addr = sentinel_command(s, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", options_.master_name});
    } catch (const std::exception&) {
      continue;
    }
    const auto nl = addr.find('\n');
    if (nl == std::string::npos) continue;
    const int port = std::stoi(addr.substr(nl + 1));
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i]->port() == port) return static_cast<int>(i);
    }
  }
  return -1;
}

void RedisSentinelSet::wait_stable(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  std::string why;
  while (std::chrono::steady_clock::now() < deadline) {
    why.clear();
    try {
      std::string agreed;
      for (std::size_t s = 0; s < sentinel_ports_.size() && why.empty(); ++s) {
        const std::string addr = sentinel_command(s, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", options_.master_name});
        if (s == 0) agreed = addr;
        if (addr != agreed) why = "sentinels disagree on the primary";
        // Every sentinel must know the replicas and the other sentinels before a failover works.
        const std::string master = sentinel_command(s, {"SENTINEL", "MASTER", options_.master_name});
        const std::string lines = master;
        std::istringstream in(lines);
        std::string key, value;
        int replicas = -1, others = -1;
        while (std::getline(in, key) && std::getline(in, value)) {
          if (key == "num-slaves") replicas = std::stoi(value);
          if (key == "num-other-sentinels") others = std::stoi(value);
        }
        int running_replicas = -1;
        for (const auto& n : nodes_) running_replicas += n->running() ? 1 : 0;
        if (why.empty() && replicas < running_replicas) why = "sentinel does not know every replica yet";
        if (why.empty() && others < static_cast<int>(sentinel_ports_.size()) - 1) why = "sentinels not all acquainted";
      }
      const int primary = primary_index();
      if (why.empty() && (primary < 0 || !nodes_[static_cast<std::size_t>(primary)]->running())) why = "no running primary";
      if (why.empty() && info_field(nodes_[static_cast<std::size_t>(primary)]->command({"INFO", "replication"}), "role") != "master") {
        why = "named primary is not master yet";
      }
      for (std::size_t i = 0; i < nodes_.size() && why.empty(); ++i) {
        if (static_cast<int>(i) == primary || !nodes_[i]->running()) continue;
        const std::string info = nodes_[i]->command({"INFO", "replication"});
        if (info_field(info, "master_port") != std::to_string(nodes_[static_cast<std::size_t>(primary)]->port()) ||
            info_field(info, "master_link_status") != "up") {
          why = "replica " + std::to_string(i) + " not in sync with the primary";
        }
      }
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (why.empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("sentinel set not stable in time: " + why + " (logs in " + dir_ + ")");
}

}  // namespace ragcache::testing
