#include "domain/docs/answer_links.h"

#include <boost/json.hpp>

#include "redis/errors.h"
#include "ragcache/embedded_domain_docs_lua.h"

namespace ragcache::docs {
namespace {

const redis::Script& link_script() {
  static const redis::Script script("doc_link", embedded::domain_docs_lua_doc_link);
  return script;
}

const redis::Script& retire_script() {
  static const redis::Script script("doc_retire", embedded::domain_docs_lua_doc_retire);
  return script;
}

Result<void> validate_answer_key(std::string_view key) {
  if (key.empty() || key.size() > 1024) return Error(ragcache::Errc::invalid_argument, "answer key must be 1 to 1024 bytes");
  return {};
}

}  // namespace

const char* to_string(LinkOutcome o) {
  switch (o) {
    case LinkOutcome::linked: return "linked";
    case LinkOutcome::stale: return "stale";
    case LinkOutcome::full: return "full";
  }
  return "stale";
}

std::string invalidation_message(std::string_view doc_id, const std::vector<std::string>& keys) {
  boost::json::array arr;
  for (const auto& k : keys) arr.emplace_back(k);
  return boost::json::serialize(boost::json::object{{"doc_id", doc_id}, {"keys", std::move(arr)}});
}

AnswerLinks::AnswerLinks(redis::Client& state, redis::Client& cache, AnswerLinkOptions options)
    : state_(state), cache_(cache), options_(std::move(options)) {}

boost::asio::awaitable<Result<SourceSnapshot>> AnswerLinks::snapshot(const std::vector<std::string>& doc_ids) {
  SourceSnapshot snap;
  for (const auto& id : doc_ids) {
    if (auto v = validate_doc_id(id); !v) co_return v.error();
  }
  // One HGET per document: each is its own hash slot.
  for (const auto& id : doc_ids) {
    auto reply = co_await state_.exec(redis::Command("HGET", doc_keys(options_.prefixes, id).doc, "version"));
    if (!reply) co_return reply.error();
    std::int64_t version = 0;
    if (!reply->is_nil()) {
      auto v = reply->as_integer();
      if (!v) co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
      version = *v;
    }
    snap.docs.emplace_back(id, version);
  }
  co_return snap;
}

boost::asio::awaitable<Result<LinkOutcome>> AnswerLinks::link(std::string_view answer_key, const SourceSnapshot& snapshot) {
  if (auto v = validate_answer_key(answer_key); !v) co_return v.error();
  // (No structured bindings here: GCC 12 miscompiles them across co_await.)
  for (const auto& entry : snapshot.docs) {
    const std::string& id = entry.first;
    const std::int64_t version = entry.second;
    auto keys = doc_keys(options_.prefixes, id);
    std::vector<std::string> script_keys{keys.doc, keys.answers};
    std::vector<std::string> args{std::string(answer_key), std::to_string(version),
                                  std::to_string(options_.link_ttl.count()), std::to_string(options_.max_links_per_doc)};
    auto reply = co_await state_.eval(link_script(), std::move(script_keys), std::move(args));
    if (!reply) co_return reply.error();
    auto v = reply->integers(2);
    if (!v) co_return v.error();
    // Links already made to other documents stay: they only point at a key that won't exist.
    if ((*v)[0] == 0) co_return LinkOutcome::stale;
    if ((*v)[0] < 0) co_return LinkOutcome::full;
  }
  co_return LinkOutcome::linked;
}

boost::asio::awaitable<Result<LinkOutcome>> AnswerLinks::confirm(std::string_view answer_key, const SourceSnapshot& snapshot) {
  if (auto v = validate_answer_key(answer_key); !v) co_return v.error();
  std::vector<std::string> ids;
  for (const auto& entry : snapshot.docs) ids.push_back(entry.first);
  auto now = co_await this->snapshot(ids);
  if (!now) co_return now.error();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (now->docs[i].second != snapshot.docs[i].second) {
      std::vector<std::string> keys{std::string(answer_key)};
      auto undone = co_await unlink_and_publish(ids[i], keys);
      if (!undone) co_return undone.error();
      co_return LinkOutcome::stale;
    }
  }
  co_return LinkOutcome::linked;
}

boost::asio::awaitable<Result<LinkOutcome>> AnswerLinks::link_stored(std::string_view answer_key,
                                                                    const SourceSnapshot& snapshot) {
  auto linked = co_await link(answer_key, snapshot);
  if (!linked) co_return linked.error();
  if (*linked != LinkOutcome::linked) {
    const std::string doc_id = snapshot.docs.empty() ? std::string() : snapshot.docs.front().first;
    std::vector<std::string> keys{std::string(answer_key)};
    auto undone = co_await unlink_and_publish(doc_id, keys);
    if (!undone) co_return undone.error();
  }
  co_return *linked;
}

boost::asio::awaitable<Result<std::size_t>> AnswerLinks::invalidate_doc(std::string_view doc_id) {
  if (auto v = validate_doc_id(doc_id); !v) co_return v.error();
  auto keys = doc_keys(options_.prefixes, doc_id);
  std::vector<std::string> script_keys{keys.doc, keys.answers, keys.stale};
  std::vector<std::string> args{std::to_string(options_.link_ttl.count())};
  auto reply = co_await state_.eval(retire_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return co_await drain(doc_id);
}

boost::asio::awaitable<Result<std::size_t>> AnswerLinks::drain(std::string_view doc_id) {
  if (auto v = validate_doc_id(doc_id); !v) co_return v.error();
  const auto keys = doc_keys(options_.prefixes, doc_id);
  std::size_t total = 0;
  std::string cursor = "0";
  // SSCAN in batches; members are removed only after their answers are gone from the cache.
  do {
    auto reply = co_await state_.exec(redis::Command("SSCAN", keys.stale, cursor, "COUNT", options_.batch));
    if (!reply) co_return reply.error();
    if (!reply->is_array() || reply->elements.size() != 2 || !reply->elements[1].is_array()) {
      co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
    }
    auto next = reply->elements[0].as_string();
    if (!next) co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
    cursor = std::string(*next);
    std::vector<std::string> batch;
    for (const auto& e : reply->elements[1].elements) {
      if (e.is_string()) batch.push_back(e.str);
    }
    if (batch.empty()) continue;
    auto done = co_await unlink_and_publish(doc_id, batch);
    if (!done) co_return done.error();
    redis::Command srem("SREM", keys.stale);
    srem.args(batch);
    auto removed = co_await state_.exec(std::move(srem));
    if (!removed) co_return removed.error();
    total += batch.size();
  } while (cursor != "0");
  co_return total;
}

boost::asio::awaitable<Result<void>> AnswerLinks::unlink_and_publish(std::string_view doc_id,
                                                                    const std::vector<std::string>& keys) {
  // One UNLINK per key: answer keys live in many hash slots.
  for (const auto& key : keys) {
    auto r = co_await cache_.exec(redis::Command("UNLINK", key));
    if (!r) co_return r.error();
  }
  auto published = co_await cache_.exec(redis::Command("PUBLISH", options_.invalidation_channel, invalidation_message(doc_id, keys)));
  if (!published) co_return published.error();
  co_return Result<void>{};
}

}  // namespace ragcache::docs
