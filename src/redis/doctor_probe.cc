#include "redis/doctor_probe.h"

#include <algorithm>
#include <chrono>

#include "redis/cluster_router.h"
#include "redis/errors.h"
#include "redis/topology_url.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kBatch = 200;

// "redis://user:pass@host:port" for one cluster node, credentials percent-encoded.
std::string node_url(const Endpoint& ep) {
  auto encode = [](const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  };
  std::string url = ep.transport == Endpoint::Transport::tls ? "rediss://" : "redis://";
  if (!ep.user.empty() || !ep.password.empty()) url += encode(ep.user) + ":" + encode(ep.password) + "@";
  const bool v6 = ep.host.find(':') != std::string::npos;
  url += (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
  return url;
}

asio::awaitable<RoleReport> examine_one(Client& client, RedisRole role, std::string server, const ProbeOptions& options,
                                        const DoctorThresholds& thresholds) {
  RoleReport report;
  report.role = role;
  report.server = std::move(server);
  auto facts = co_await probe_server(client, options);
  if (!facts) {
    report.error = facts.error().message();
  } else {
    report.findings = diagnose(role, *facts, thresholds);
  }
  co_return report;
}

}  // namespace

asio::awaitable<Result<ServerFacts>> probe_server(Client& client, const ProbeOptions& options) {
  ServerFacts facts;
  auto info = co_await client.exec(Command("INFO"));
  if (!info) co_return info.error();
  auto text = info->as_string();
  if (!text) co_return Error(Errc::unexpected_reply, "INFO: " + info->debug_string());
  facts.info = parse_info(*text);

  // CONFIG is often disabled on managed services: then appendfsync stays unknown.
  auto fsync = co_await client.exec(Command("CONFIG", "GET", "appendfsync"));
  if (fsync && fsync->is_array() && fsync->elements.size() == 2) {
    if (auto v = fsync->elements[1].as_string()) facts.appendfsync = std::string(*v);
  }

  std::vector<double> rtts;
  for (int i = 0; i < std::max(1, options.pings); ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto pong = co_await client.exec(Command("PING"));
    if (!pong) co_return pong.error();
    rtts.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(rtts.begin(), rtts.end());
  facts.latency_ms = rtts[rtts.size() / 2];

  // One pass of SCAN over the keyspace (bounded), keeping keys under ragcache prefixes.
  std::string cursor = "0";
  for (std::size_t call = 0; call < options.max_scan_calls && facts.samples.size() < options.max_keys; ++call) {
    auto page = co_await client.exec(Command("SCAN", cursor, "COUNT", 1000));
    if (!page) co_return page.error();
    if (!page->is_array() || page->elements.size() != 2 || !page->elements[1].is_array()) {
      co_return Error(Errc::unexpected_reply, "SCAN: " + page->debug_string());
    }
    auto next = page->elements[0].as_string();
    if (!next) co_return Error(Errc::unexpected_reply, "SCAN cursor: " + page->debug_string());
    for (const auto& key : page->elements[1].elements) {
      ++facts.keys_scanned;
      if (key.kind != Reply::Kind::bulk || !has_ragcache_prefix(key.str)) continue;
      if (facts.samples.size() >= options.max_keys) break;
      facts.samples.push_back(KeySample{key.str, std::nullopt, std::nullopt});
    }
    cursor = std::string(*next);
    if (cursor == "0") break;
  }

  // TTLs of every sampled key; MEMORY USAGE of an evenly spread subset.
  std::vector<KeySample> kept;
  const std::size_t stride =
      options.memory_samples == 0 ? 0 : std::max<std::size_t>(1, facts.samples.size() / options.memory_samples);
  for (std::size_t begin = 0; begin < facts.samples.size(); begin += kBatch) {
    const std::size_t end = std::min(facts.samples.size(), begin + kBatch);
    std::vector<Command> cmds;
    std::vector<std::size_t> measured;
    for (std::size_t i = begin; i < end; ++i) cmds.push_back(Command("PTTL", facts.samples[i].key));
    for (std::size_t i = begin; i < end; ++i) {
      if (stride != 0 && i % stride == 0) {
        cmds.push_back(Command("MEMORY", "USAGE", facts.samples[i].key, "SAMPLES", 5));
        measured.push_back(i);
      }
    }
    auto replies = co_await client.exec_pipeline(std::move(cmds));
    if (!replies) co_return replies.error();
    for (std::size_t k = 0; k < measured.size(); ++k) {
      const Reply& r = (*replies)[end - begin + k];
      if (r.kind == Reply::Kind::integer) facts.samples[measured[k]].bytes = r.integer;
    }
    for (std::size_t i = begin; i < end; ++i) {
      const Reply& r = (*replies)[i - begin];
      if (r.kind != Reply::Kind::integer || r.integer == -2) continue;  // gone since SCAN saw it
      KeySample sample = std::move(facts.samples[i]);
      if (r.integer >= 0) sample.ttl_ms = r.integer;
      kept.push_back(std::move(sample));
    }
  }
  facts.samples = std::move(kept);
  co_return facts;
}

asio::awaitable<std::vector<RoleReport>> examine(asio::any_io_executor ex, RedisRole role, std::string url,
                                                 ProbeOptions options, DoctorThresholds thresholds) {
  std::vector<RoleReport> reports;
  const std::string shown = redact_url(url);
  ClientOptions client_options;
  client_options.url = url;
  client_options.pool_size = 1;
  client_options.connection.client_name = "ragcache-doctor";
  client_options.connection.command_timeout = std::chrono::seconds(5);
  auto client = Client::create(ex, client_options);
  if (!client) {
    reports.push_back(RoleReport{role, shown, client.error().message(), {}});
    co_return reports;
  }
  if (auto* cluster = dynamic_cast<ClusterRouter*>((*client)->router())) {
    // Keys live on every primary: examine each one.
    auto refreshed = co_await cluster->refresh();
    if (!refreshed) {
      reports.push_back(RoleReport{role, shown, refreshed.error().message(), {}});
      co_return reports;
    }
    for (const auto& ep : cluster->known_primaries()) {
      ClientOptions node_options = client_options;
      node_options.url = node_url(ep);
      auto node = Client::create(ex, node_options);
      const std::string name = shown + " node " + ep.describe();
      if (!node) {
        reports.push_back(RoleReport{role, name, node.error().message(), {}});
        continue;
      }
      reports.push_back(co_await examine_one(**node, role, name, options, thresholds));
    }
    co_return reports;
  }
  reports.push_back(co_await examine_one(**client, role, shown, options, thresholds));
  co_return reports;
}

}  // namespace ragcache::redis
