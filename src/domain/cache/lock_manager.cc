#include "domain/cache/lock_manager.h"

#include <algorithm>

#include "base/random.h"
#include "domain/cache/errors.h"
#include "domain/cache/scripts.h"
#include "redis/errors.h"

namespace ragcache::cache {

namespace asio = boost::asio;
using std::chrono::milliseconds;

LockManager::LockManager(redis::Client& client, LockOptions options)
    : client_(client),
      options_(std::move(options)),
      keys_(options_.key_prefix, fence_counters_for(client.options().url)),
      acquire_batcher_(client, scripts::lock_acquire(),
                       {.keys_per_item = 3, .args_per_item = 2, .max_items = options_.group_commit_max},
                       scripts::list(std::to_string(options_.fence_counter_ttl.count()),
                                     std::to_string(options_.signal_ttl.count()))),
      release_batcher_(client, scripts::lock_release(),
                       {.keys_per_item = 2, .args_per_item = 1, .max_items = options_.group_commit_max},
                       scripts::list(std::to_string(options_.signal_ttl.count()))),
      pool_(std::make_shared<redis::BlockingPool>(client)),
      hub_(std::make_unique<SignalHub>(pool_, options_.recheck_interval)) {}

LockManager::~LockManager() = default;

Result<void> LockManager::check_ttl(milliseconds ttl) const {
  if (ttl.count() <= 0) return Error(Errc::invalid_ttl, "ttl " + std::to_string(ttl.count()) + " ms");
  if (ttl > options_.max_ttl) return Error(Errc::invalid_ttl, "ttl above max_ttl");
  return {};
}

asio::awaitable<Result<LockManager::Attempt>> LockManager::attempt(std::string_view name, milliseconds ttl) {
  if (auto ok = validate_lock_name(name); !ok) co_return ok.error();
  if (auto ok = check_ttl(ttl); !ok) co_return ok.error();
  auto keys = keys_.lock(name);
  std::string token = random_token();
  auto sent_at = SteadyClock::now();
  auto script_keys = scripts::list(keys.lock, std::move(keys.fence), std::move(keys.signal));
  auto args = scripts::list(token, std::to_string(ttl.count()));
  auto reply = co_await acquire_batcher_.call(std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  const auto& r = *reply;
  Attempt out;
  if (!r.is_array()) {  // granted: the reply is the fencing number
    auto fence = r.as_integer();
    if (!fence || *fence <= 0) co_return Error(redis::Errc::unexpected_reply, "lock_acquire: " + r.debug_string());
    LockGrant grant;
    grant.name = std::string(name);
    grant.key = std::move(keys.lock);
    grant.value = LockValue{std::move(token), static_cast<std::uint64_t>(*fence)};
    grant.ttl = ttl;
    grant.valid_until = validity_deadline(sent_at, ttl);
    out.grant = std::move(grant);
    co_return out;
  }
  // Held by someone else: {last signal id, the holder's pttl}.
  if (r.elements.size() != 2) co_return Error(redis::Errc::unexpected_reply, "lock_acquire: " + r.debug_string());
  if (auto last = r.elements[0].as_string()) {
    if (auto id = StreamId::parse(*last)) out.last_signal = *id;
  }
  out.holder_ttl = milliseconds(r.elements[1].integer);
  co_return out;
}

asio::awaitable<Result<std::optional<LockGrant>>> LockManager::try_acquire(std::string_view name, milliseconds ttl) {
  auto a = co_await attempt(name, ttl);
  if (!a) co_return a.error();
  co_return std::move(a->grant);
}

asio::awaitable<Result<LockGrant>> LockManager::acquire(std::string_view name, milliseconds ttl,
                                                        milliseconds wait_timeout) {
  const auto deadline = SteadyClock::now() + wait_timeout;
  const auto signal_key = keys_.lock(name).signal;
  for (;;) {
    auto a = co_await attempt(name, ttl);
    if (!a) co_return a.error();
    if (a->grant) co_return std::move(*a->grant);
    auto now = SteadyClock::now();
    if (now >= deadline) co_return Error(Errc::lock_timeout, std::string(name));
    // Wake on a release signal; else when the holder's TTL runs out (a crashed holder never
    // signals); else after the slow fallback interval.
    auto wake_at = std::min(deadline, now + options_.recheck_interval);
    if (a->holder_ttl.count() >= 0) wake_at = std::min(wake_at, now + a->holder_ttl + milliseconds(1));
    bool signalled = co_await hub_->wait(signal_key, a->last_signal, wake_at);
    if (!signalled && SteadyClock::now() < wake_at) {
      co_return Error(ragcache::Errc::cancelled, "lock wait cancelled");
    }
  }
}

asio::awaitable<Result<void>> LockManager::release(const LockGrant& grant) {
  auto lock_key = keys_.lock_key(grant.name);
  auto signal_key = KeySchema::signal_of(lock_key);
  auto script_keys = scripts::list(std::move(lock_key), std::move(signal_key));
  auto args = scripts::list(grant.value.encode());
  auto reply = co_await release_batcher_.call(std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  auto released = reply->as_integer();
  if (!released) co_return released.error();
  if (*released != 1) co_return Error(Errc::not_owner, grant.name + " fence " + std::to_string(grant.fence()));
  co_return Result<void>();
}

asio::awaitable<Result<void>> LockManager::extend(LockGrant& grant, milliseconds ttl,
                                                  const std::vector<std::string>& co_keys, milliseconds co_ttl) {
  if (auto ok = check_ttl(ttl); !ok) co_return ok.error();
  std::vector<std::string> keys = scripts::list(grant.key);
  keys.insert(keys.end(), co_keys.begin(), co_keys.end());
  auto sent_at = SteadyClock::now();
  auto args = scripts::list(grant.value.encode(), std::to_string(ttl.count()),
                            std::to_string(std::max<long long>(co_ttl.count(), ttl.count())));
  auto reply = co_await client_.eval(scripts::lock_extend(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  auto extended = reply->as_integer();
  if (!extended) co_return extended.error();
  if (*extended != 1) co_return Error(Errc::not_owner, grant.name + " fence " + std::to_string(grant.fence()));
  grant.ttl = ttl;
  grant.valid_until = validity_deadline(sent_at, ttl);
  co_return Result<void>();
}

}  // namespace ragcache::cache
