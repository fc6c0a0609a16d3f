#include "domain/auth/key_store.h"

#include <algorithm>

#include "base/hash.h"
#include "redis/errors.h"

namespace ragcache::auth {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::vector<std::pair<std::string, std::string>>> field_pairs(const redis::Reply& reply) {
  if (!reply.is_array() || reply.elements.size() % 2 != 0) {
    return Error(redis::Errc::unexpected_reply, "HGETALL: not a field/value array");
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    out.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
  }
  return out;
}

}  // namespace

KeyStore::KeyStore(redis::Client& state, KeyStoreOptions options) : state_(state), options_(std::move(options)) {}

std::string KeyStore::record_key(std::string_view sha) const { return options_.key_prefix + "{" + std::string(sha) + "}"; }

std::string KeyStore::id_key(std::string_view id) const { return options_.key_prefix + "id:{" + std::string(id) + "}"; }

boost::asio::awaitable<Result<CreatedKey>> KeyStore::create(std::string tenant, KeyLimits limits) {
  if (auto ok = validate_tenant(tenant); !ok) co_return ok.error();
  if (limits.requests_per_minute < 0 || limits.tokens_per_minute < 0 || limits.tokens_per_day < 0) {
    co_return Error(Errc::invalid_argument, "limits must be 0 (the default) or positive");
  }
  CreatedKey created;
  created.secret = new_key_secret();
  created.record = KeyRecord{new_key_id(), std::move(tenant), limits, now_ms(), false};
  const std::string sha = sha256_hex(created.secret);
  redis::Command hset("HSET", record_key(sha));
  for (const auto& [field, value] : record_fields(created.record)) hset.arg(field).arg(value);
  // Record first: an id must never point at nothing. (Separate commands: the three keys live
  // on different cluster slots.)
  auto stored = co_await state_.exec(std::move(hset));
  if (!stored) co_return stored.error();
  auto by_id = co_await state_.exec(redis::Command("SET", id_key(created.record.id), sha));
  if (!by_id) co_return by_id.error();
  auto indexed = co_await state_.exec(redis::Command("SADD", options_.key_prefix + "index", created.record.id));
  if (!indexed) co_return indexed.error();
  co_return created;
}

boost::asio::awaitable<Result<std::optional<KeyRecord>>> KeyStore::read(std::string_view sha) {
  auto reply = co_await state_.exec(redis::Command("HGETALL", record_key(sha)));
  if (!reply) co_return reply.error();
  if (reply->is_array() && reply->elements.empty()) co_return std::optional<KeyRecord>();
  auto fields = field_pairs(*reply);
  if (!fields) co_return fields.error();
  auto record = record_from_fields(*fields);
  if (!record) co_return record.error();
  co_return std::optional<KeyRecord>(std::move(*record));
}

boost::asio::awaitable<Result<std::optional<KeyRecord>>> KeyStore::lookup(std::string_view secret) {
  const std::string sha = sha256_hex(secret);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(sha); it != cache_.end() && it->second.expires > now) co_return it->second.record;
  }
  auto record = co_await read(sha);
  if (!record) co_return record.error();
  std::optional<KeyRecord> live = *record && !(*record)->revoked ? std::move(*record) : std::nullopt;
  std::lock_guard lock(mu_);
  if (cache_.size() >= options_.max_cached) cache_.clear();
  cache_[sha] = Cached{live, now + options_.cache_ttl};
  co_return live;
}

boost::asio::awaitable<Result<std::vector<KeyRecord>>> KeyStore::list() {
  auto ids = co_await state_.exec(redis::Command("SMEMBERS", options_.key_prefix + "index"));
  if (!ids) co_return ids.error();
  std::vector<KeyRecord> out;
  for (const auto& id : ids->elements) {
    auto sha = co_await state_.exec(redis::Command("GET", id_key(id.str)));
    if (!sha) co_return sha.error();
    if (!sha->is_string()) continue;  // index entry without its key (a crashed create): skip
    auto record = co_await read(sha->str);
    if (!record) co_return record.error();
    if (*record) out.push_back(std::move(**record));
  }
  std::sort(out.begin(), out.end(), [](const KeyRecord& a, const KeyRecord& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  co_return out;
}

boost::asio::awaitable<Result<bool>> KeyStore::revoke(std::string_view id) {
  if (!is_key_id(id)) co_return false;
  auto sha = co_await state_.exec(redis::Command("GET", id_key(id)));
  if (!sha) co_return sha.error();
  if (!sha->is_string()) co_return false;
  // HSET only where the record exists (a Hash written by create): no stray record is made.
  auto exists = co_await state_.exec(redis::Command("EXISTS", record_key(sha->str)));
  if (!exists) co_return exists.error();
  if (exists->integer != 1) co_return false;
  auto marked = co_await state_.exec(redis::Command("HSET", record_key(sha->str), "revoked", "1"));
  if (!marked) co_return marked.error();
  std::lock_guard lock(mu_);
  cache_.erase(sha->str);  // this replica at once; the others within cache_ttl
  co_return true;
}

}  // namespace ragcache::auth
