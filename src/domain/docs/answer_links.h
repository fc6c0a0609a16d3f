// Answer-to-source invalidation: an answer cached from documents is dropped when any of those
// documents is re-ingested with new content (or invalidated by hand).
//
// Each document has a version in its registry hash (doc:{id} field `version`, 0 when unknown)
// that moves on whenever its content changes. The exact/semantic cache stores an answer in four
// steps, which together make the link reliable even when a re-ingest races the request:
//
//   auto snap = co_await links.snapshot(doc_ids);          // 1. before the upstream call
//   ... upstream call ...
//   auto l = co_await links.link(answer_key, *snap);         // 2. doc:{id}:answers += key, only
//   if (*l != LinkOutcome::linked) -> do not store            //    if the version is unchanged
//   ... store the answer under answer_key ...                 // 3.
//   auto c = co_await links.confirm(answer_key, *snap);      // 4. version moved meanwhile?
//                                                             //    then the answer is unlinked
//
// (Storing first and linking afterwards is also safe: link_stored() below.)
//
// A re-ingest moves the version and the link set to doc:{id}:stale in one script
// (doc_finish.lua), then drain() UNLINKs those keys in the cache role (one command per key, so
// keys of any slot work on a cluster), publishes them on `rag:invalidate` for in-process L1
// caches, and only then removes them from the stale set: a crash in between leaves them there
// for the next drain, never forgotten. Whatever the interleaving, an answer stored in step 3 is
// either seen by the drain (link made before the version moved) or caught by step 4 (version
// moved before the confirm).
//
// The link set lives beside the document (state role) and expires link_ttl after its last link;
// link_ttl must be at least the longest answer TTL. A document with max_links answers refuses
// further links (the answer is then not cached) rather than forget one.
// Lifetime: both Clients (they may be the same) must outlive this object and its calls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "domain/docs/doc_keys.h"
#include "redis/client.h"

namespace ragcache::docs {

struct AnswerLinkOptions {
  DocKeyPrefixes prefixes;
  std::chrono::milliseconds link_ttl{std::chrono::hours(24 * 7)};
  std::size_t max_links_per_doc = 100000;
  std::string invalidation_channel = "rag:invalidate";
  std::size_t batch = 500;  // answer keys per published message / SREM
};

// The versions of an answer's source documents when its request started.
struct SourceSnapshot {
  std::vector<std::pair<std::string, std::int64_t>> docs;  // doc id -> version
  bool empty() const { return docs.empty(); }
};

enum class LinkOutcome {
  linked,  // the answer may be (or stay) cached
  stale,   // a source document changed since the snapshot: do not cache / it was unlinked
  full,    // a source document has max_links answers: do not cache
};

const char* to_string(LinkOutcome o);

class AnswerLinks {
 public:
  AnswerLinks(redis::Client& state, redis::Client& cache, AnswerLinkOptions options = {});

  boost::asio::awaitable<Result<SourceSnapshot>> snapshot(const std::vector<std::string>& doc_ids);
  boost::asio::awaitable<Result<LinkOutcome>> link(std::string_view answer_key, const SourceSnapshot& snapshot);
  // After storing: if a source changed since the snapshot, UNLINKs answer_key (and publishes it)
  // and returns stale.
  boost::asio::awaitable<Result<LinkOutcome>> confirm(std::string_view answer_key, const SourceSnapshot& snapshot);
  // For callers that store first (e.g. inside single-flight) and link afterwards: link(), and
  // when that is refused (stale or full) UNLINK the stored answer at once. Safe on its own: the
  // link checks the versions after the store, so a change before it is caught here and a change
  // after it is seen by the drain. Returns what link() returned.
  boost::asio::awaitable<Result<LinkOutcome>> link_stored(std::string_view answer_key, const SourceSnapshot& snapshot);

  // Drops every answer built on doc_id now (POST /v1/ragcache/cache/invalidate {"doc_id"}): the
  // version moves on and the linked answers are unlinked. Returns how many keys were unlinked.
  boost::asio::awaitable<Result<std::size_t>> invalidate_doc(std::string_view doc_id);
  // Unlinks the answers waiting in doc:{id}:stale; returns how many.
  boost::asio::awaitable<Result<std::size_t>> drain(std::string_view doc_id);

  const AnswerLinkOptions& options() const { return options_; }

 private:
  boost::asio::awaitable<Result<void>> unlink_and_publish(std::string_view doc_id, const std::vector<std::string>& keys);

  redis::Client& state_;
  redis::Client& cache_;
  AnswerLinkOptions options_;
};

// The message published on the invalidation channel: {"doc_id":...,"keys":[...]}.
std::string invalidation_message(std::string_view doc_id, const std::vector<std::string>& keys);

}  // namespace ragcache::docs
