#include "domain/cache/exact_cache.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/poll_until.h"
#include "domain/cache/errors.h"
#include "domain/cache/scripts.h"
#include "domain/cache/stream_entries.h"
#include "domain/cache/ttl_policy.h"
#include "redis/errors.h"
#include "redis/stream_tail.h"

namespace ragcache::cache {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// The L1 invalidation tailer: its own state, so the loop can outlive a call safely and stop
// when the cache goes away.
struct ExactCache::Listener {
  std::mutex mu;
  L1Cache* l1 = nullptr;  // null once the cache stops the listener
  std::atomic<std::size_t> running{0};  // 1 while the loop runs (ScopedCount)
  std::unique_ptr<redis::StreamTail> tail;
};

namespace {

Result<void> validate_key(const CacheKey& key) {
  if (auto ok = validate_namespace(key.ns); !ok) return ok;
  return validate_hash(key.hash);
}

// Starts after the newest entry: older invalidations concern entries this L1 never had.
asio::awaitable<void> listen(std::shared_ptr<ExactCache::Listener> self) {
  const ScopedCount running(self->running);
  auto& tail = *self->tail;
  for (;;) {
    auto reply = co_await tail.read();
    std::lock_guard lock(self->mu);
    if (tail.stopped() || self->l1 == nullptr) co_return;
    if (!reply) {
      // Cannot see invalidations right now: drop L1 rather than serve what may be deleted.
      self->l1->clear();
      continue;
    }
    auto entries = parse_xread(*reply);
    if (!entries) continue;
    for (const auto& e : *entries) {
      if (auto k = e.field("k")) self->l1->erase(std::string(*k));
      if (auto n = e.field("n")) self->l1->erase_namespace(*n);
    }
  }
}

}  // namespace

ExactCache::ExactCache(redis::Client& client, ExactCacheOptions options)
    : client_(client),
      options_(std::move(options)),
      keys_(options_.key_prefix, fence_counters_for(client.options().url)),
      l1_(options_.l1_max_bytes, options_.l1_ttl) {}

ExactCache::~ExactCache() { close_listener(); }

void ExactCache::close_listener() {
  if (!listener_) return;
  std::lock_guard lock(listener_->mu);
  listener_->l1 = nullptr;
  listener_->tail->stop();  // fails the pending XREAD: the loop sees it stopped
}

asio::awaitable<void> ExactCache::stop_invalidation_listener(milliseconds grace) {
  close_listener();
  if (!listener_) co_return;
  // The close and the failed XREAD complete on the executor: until the loop has seen them, it and
  // its connection keep each other alive (an io_context stopped now would leave them so).
  auto* listener = listener_.get();
  auto ended = [listener] { return listener->running.load() == 0; };  // named: no temporaries in co_await (GCC 12)
  co_await poll_until(ended, grace);
}

bool ExactCache::invalidation_listener_running() const { return listener_ && listener_->running.load() > 0; }

void ExactCache::start_invalidation_listener() {
  if (listener_ || options_.l1_max_bytes == 0) return;
  listener_ = std::make_shared<Listener>();
  listener_->l1 = &l1_;
  listener_->tail = std::make_unique<redis::StreamTail>(
      std::make_shared<redis::BlockingPool>(client_, 0), keys_.l1_invalidation(), redis::StreamTail::kNewest,
      redis::StreamTailOptions{.block = options_.invalidation_block, .count = 256});
  asio::co_spawn(client_.executor(), listen(listener_), asio::detached);
}

Expiry ExactCache::expiry_of(std::string_view ns) const {
  auto it = options_.namespace_expiry.find(ns);
  return it == options_.namespace_expiry.end() ? options_.default_expiry : it->second;
}

std::optional<PreparedEntry> ExactCache::prepare(const CacheKey& key, std::string_view answer, Completion completion) {
  if (completion != Completion::complete) {
    ++stats_.incomplete;
    return std::nullopt;
  }
  auto encoded = encode_entry(key.canonical, answer, options_.codec);
  if (!encoded) {
    ++stats_.too_large;
    spdlog::warn("exact cache: answer of {} bytes for {} exceeds max_entry_bytes {}, not stored", answer.size(),
                 key.hash, options_.codec.max_entry_bytes);
    return std::nullopt;
  }
  if (encoded->compressed) ++stats_.compressed;
  return PreparedEntry{std::move(encoded->bytes), jittered_ttl(options_.ttl_base, options_.ttl_jitter)};
}

std::optional<std::string> ExactCache::accept(const CacheKey& key, std::string_view entry_bytes) {
  auto decoded = decode_verified(entry_bytes, key.canonical, options_.codec);
  if (!decoded) {
    ++stats_.corrupt;
    spdlog::warn("exact cache: corrupt entry for {}: {}", key.hash, decoded.error().message());
    return std::nullopt;
  }
  if (!*decoded) {
    ++stats_.collisions;
    return std::nullopt;
  }
  remember(key, **decoded);
  return std::move(*decoded);
}

void ExactCache::remember(const CacheKey& key, std::string_view answer) {
  l1_.put(keys_.exact(key.ns, key.hash), key.ns, key.canonical, answer);
}

asio::awaitable<Result<std::optional<std::string>>> ExactCache::lookup(const CacheKey& key) {
  if (auto ok = validate_key(key); !ok) co_return ok.error();
  const std::string redis_key = keys_.exact(key.ns, key.hash);
  if (auto hit = l1_.get(redis_key, key.canonical)) {
    ++stats_.l1_hits;
    ++stats_.hits;
    co_return std::move(hit);
  }
  Result<redis::Reply> reply = Error(ragcache::Errc::internal);
  if (expiry_of(key.ns) == Expiry::sliding) {
    auto ttl = jittered_ttl(options_.ttl_base, options_.ttl_jitter);
    reply = co_await client_.exec(redis::Command("GETEX", redis_key, "PX", ttl.count()));
  } else {
    reply = co_await client_.exec(redis::Command("GET", redis_key));
  }
  if (!reply) co_return reply.error();
  if (reply->is_nil()) {
    ++stats_.misses;
    co_return std::optional<std::string>();
  }
  auto bytes = reply->as_string();
  if (!bytes) co_return bytes.error();
  auto answer = accept(key, *bytes);
  if (answer) {
    ++stats_.hits;
  } else {
    ++stats_.misses;
  }
  co_return answer;
}

asio::awaitable<Result<StoreStatus>> ExactCache::store(const CacheKey& key, std::string_view answer,
                                                       Completion completion) {
  if (auto ok = validate_key(key); !ok) co_return ok.error();
  auto entry = prepare(key, answer, completion);
  if (!entry) co_return completion != Completion::complete ? StoreStatus::skipped_incomplete : StoreStatus::skipped_too_large;
  auto reply = co_await client_.exec(redis::Command("SET", keys_.exact(key.ns, key.hash), entry->bytes, "PX",
                                                    entry->ttl.count()));
  if (!reply) co_return reply.error();
  ++stats_.stores;
  remember(key, answer);
  co_return StoreStatus::stored;
}

asio::awaitable<Result<StoreStatus>> ExactCache::store_fenced(const CacheKey& key, std::string_view answer,
                                                              const LockGrant& grant, Completion completion) {
  if (auto ok = validate_key(key); !ok) co_return ok.error();
  auto entry = prepare(key, answer, completion);
  if (!entry) co_return completion != Completion::complete ? StoreStatus::skipped_incomplete : StoreStatus::skipped_too_large;
  auto keys = scripts::list(grant.key, keys_.exact(key.ns, key.hash));
  auto args = scripts::list(grant.value.encode(), entry->bytes, std::to_string(entry->ttl.count()));
  auto reply = co_await client_.eval(scripts::exact_store_fenced(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  auto stored = reply->as_integer();
  if (!stored) co_return stored.error();
  if (*stored != 1) {
    ++stats_.fenced_refused;
    co_return Error(Errc::not_owner, "fenced write refused for fence " + std::to_string(grant.fence()));
  }
  ++stats_.stores;
  remember(key, answer);
  co_return StoreStatus::stored;
}

asio::awaitable<void> ExactCache::publish_invalidation(std::string field, std::string value) {
  const auto stream = keys_.l1_invalidation();
  // Best effort: the L1 TTL bounds staleness if this is lost.
  std::vector<redis::Command> cmds;
  cmds.emplace_back("XADD", stream, "MAXLEN", "~", 1000, "*", field, value);
  cmds.emplace_back("PEXPIRE", stream, options_.invalidation_ttl.count());
  co_await client_.exec_pipeline(std::move(cmds));
}

asio::awaitable<Result<bool>> ExactCache::invalidate(const CacheKey& key) {
  if (auto ok = validate_key(key); !ok) co_return Result<bool>(boost::system::in_place_error, ok.error());
  const std::string redis_key = keys_.exact(key.ns, key.hash);
  l1_.erase(redis_key);
  // The in-flight marker goes too: a generation running now must not store its answer.
  std::vector<redis::Command> unlinks;
  unlinks.emplace_back("UNLINK", redis_key);
  unlinks.emplace_back("UNLINK", keys_.inflight(key.ns, key.hash));
  auto replies = co_await client_.exec_pipeline(std::move(unlinks));
  if (!replies) co_return Result<bool>(boost::system::in_place_error, replies.error());
  co_await publish_invalidation("k", redis_key);
  auto n = (*replies)[0].as_integer();
  if (!n) co_return Result<bool>(boost::system::in_place_error, n.error());
  stats_.invalidated += static_cast<std::uint64_t>(*n);
  co_return *n > 0;
}

asio::awaitable<Result<std::size_t>> ExactCache::invalidate_namespace(std::string_view ns) {
  if (auto ok = validate_namespace(ns); !ok) co_return ok.error();
  l1_.erase_namespace(ns);
  const std::string pattern = keys_.exact_pattern(ns);
  // SCAN sees one server's keys: on a cluster every primary is scanned on a connection of its
  // own. The keys one SCAN page returns lie in many slots, so each gets its own UNLINK (one
  // pipeline per page; the cluster client sends each to its slot's owner): no CROSSSLOT.
  auto primaries = co_await client_.primaries();
  if (!primaries) co_return primaries.error();
  std::size_t deleted = 0;
  for (const auto& primary : *primaries) {
    auto node = client_.dedicated_to(primary);
    std::string cursor = "0";
    do {
      auto reply = co_await (*node)->exec(redis::Command("SCAN", cursor, "MATCH", pattern, "COUNT", options_.scan_count));
      if (!reply) co_return reply.error();
      if (!reply->is_array() || reply->elements.size() != 2) co_return Error(redis::Errc::unexpected_reply, "SCAN");
      cursor = reply->elements[0].str;
      // The default namespace's pattern "rag:exact:{*" cannot match other namespaces' keys
      // ("rag:exact:<ns>:{h}"), and no namespace holds '{'. It matches the in-flight markers
      // ("...{h}:inflight") too: deleting them keeps running generations from storing.
      std::vector<redis::Command> unlinks;
      std::vector<bool> is_entry;
      for (const auto& k : reply->elements[1].elements) {
        unlinks.emplace_back("UNLINK", k.str);
        is_entry.push_back(k.str.ends_with('}'));
      }
      if (unlinks.empty()) continue;
      auto replies = co_await client_.exec_pipeline(std::move(unlinks));
      if (!replies) co_return replies.error();
      for (std::size_t i = 0; i < replies->size(); ++i) {
        const auto& r = (*replies)[i];
        if (r.is_error()) co_return Error(redis::Errc::server_error, r.str);
        if (is_entry[i]) deleted += static_cast<std::size_t>(r.integer);
      }
    } while (cursor != "0");
  }
  stats_.invalidated += deleted;
  co_await publish_invalidation("n", std::string(ns));
  co_return deleted;
}

}  // namespace ragcache::cache
