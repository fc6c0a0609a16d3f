// Document registry and ingest guard: per-document metadata and at most one ingest at a time.
//
//   DocRegistry docs(*state_client, *cache_client);
//   auto b = co_await docs.begin("handbook.pdf", sha256_hex(content), "worker-3");
//   switch (b->status) {
//     case unchanged: skip (this content is already ingested)
//     case busy:      another worker ingests it (b->holder, since b->since_ms)
//     case acquired:  chunk + embed, calling renew(b->ticket) within each lease, then
//                     finish(b->ticket, chunks) or fail(b->ticket, reason)
//   }
//
// State role: doc:{id} (Hash: content_sha256, status ingesting|done|failed, chunk_count, source,
// holder, timestamps, version, fence) and lock:doc:{id} (the holder's token, PX lease). begin,
// renew and finish/fail are one script each over those keys. Every begin that takes the lock
// increments the document's fencing number; finish/fail are accepted only with the latest one,
// so a worker whose lease lapsed and was taken over cannot overwrite the newer ingest
// (docs::Errc::lease_lost). When finish records content different from the previous one, the
// answers that cited the document are invalidated (answer_links.h) before finish returns.
//
// This is a small private lock (SET NX PX + compare-and-delete + fencing counter); the general
// lock library in domain/cache may replace it later.
// Lifetime: both Clients (they may be the same) must outlive this object and its calls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/docs/answer_links.h"
#include "domain/docs/doc_types.h"
#include "redis/client.h"

namespace ragcache::docs {

struct DocRegistryOptions {
  std::chrono::milliseconds lease{std::chrono::seconds(30)};  // ingest lock lifetime without renew
  AnswerLinkOptions links;                                     // key prefixes, link TTL, channel
};

class DocRegistry {
 public:
  DocRegistry(redis::Client& state, redis::Client& cache, DocRegistryOptions options = {});

  // content_sha256: 64 hex digits of the document's content; holder: who ingests (host:pid,
  // worker name), shown to the busy ones; source: where the document comes from (stored if not
  // empty). (Plain views rather than an options struct: GCC 12 miscompiles aggregate temporaries
  // inside co_await expressions.)
  boost::asio::awaitable<Result<BeginResult>> begin(std::string_view doc_id, std::string_view content_sha256,
                                                    std::string_view holder = {}, std::string_view source = {});
  // Extends the lease by options.lease; false when the lock is no longer ours.
  boost::asio::awaitable<Result<bool>> renew(const IngestTicket& ticket);
  boost::asio::awaitable<Result<FinishResult>> finish(const IngestTicket& ticket, std::int64_t chunk_count);
  boost::asio::awaitable<Result<FinishResult>> fail(const IngestTicket& ticket, std::string_view reason);
  // The document's record; nullopt when unknown.
  boost::asio::awaitable<Result<std::optional<DocRecord>>> get(std::string_view doc_id);

  AnswerLinks& links() { return links_; }
  const DocRegistryOptions& options() const { return options_; }

 private:
  boost::asio::awaitable<Result<FinishResult>> end(const IngestTicket& ticket, const char* outcome,
                                                   std::int64_t chunk_count, std::string_view reason);

  redis::Client& state_;
  DocRegistryOptions options_;
  AnswerLinks links_;
};

}  // namespace ragcache::docs
