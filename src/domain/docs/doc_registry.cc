#include "domain/docs/doc_registry.h"

#include <charconv>

#include "base/random.h"
#include "domain/docs/errors.h"
#include "redis/errors.h"
#include "ragcache/embedded_domain_docs_lua.h"

namespace ragcache::docs {
namespace {

const redis::Script& begin_script() {
  static const redis::Script script("doc_begin", embedded::domain_docs_lua_doc_begin);
  return script;
}
const redis::Script& renew_script() {
  static const redis::Script script("doc_renew", embedded::domain_docs_lua_doc_renew);
  return script;
}
const redis::Script& finish_script() {
  static const redis::Script script("doc_finish", embedded::domain_docs_lua_doc_finish);
  return script;
}

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

Result<void> validate_ticket(const IngestTicket& t) {
  if (auto v = validate_doc_id(t.doc_id); !v) return v;
  if (auto s = normalize_sha256(t.content_sha256); !s) return s.error();
  if (t.token.empty() || t.fence <= 0) return Error(ragcache::Errc::invalid_argument, "ingest ticket without token or fence");
  return {};
}

}  // namespace

DocRegistry::DocRegistry(redis::Client& state, redis::Client& cache, DocRegistryOptions options)
    : state_(state), options_(std::move(options)), links_(state, cache, options_.links) {}

boost::asio::awaitable<Result<BeginResult>> DocRegistry::begin(std::string_view doc_id, std::string_view content_sha256,
                                                               std::string_view holder, std::string_view source) {
  if (auto v = validate_doc_id(doc_id); !v) co_return v.error();
  auto sha = normalize_sha256(content_sha256);
  if (!sha) co_return sha.error();
  if (holder.size() > 256 || source.size() > 2048) {
    co_return Error(ragcache::Errc::invalid_argument, "holder or source too long");
  }
  if (options_.lease.count() <= 0) co_return Error(ragcache::Errc::invalid_argument, "lease must be positive");
  const auto keys = doc_keys(options_.links.prefixes, doc_id);
  std::string token = random_token();
  std::vector<std::string> script_keys{keys.doc, keys.lock};
  std::vector<std::string> args{*sha, token, std::string(holder), std::string(source),
                                std::to_string(options_.lease.count())};
  auto reply = co_await state_.eval(begin_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  const std::string status = reply->string_at(0);
  BeginResult r;
  r.doc_id = std::string(doc_id);
  r.content_sha256 = *sha;
  if (status == "acquired") {
    r.status = BeginResult::Status::acquired;
    r.ticket = IngestTicket{r.doc_id, *sha, std::move(token), reply->integer_at(1)};
    r.lease_ms = options_.lease.count();
    r.version = reply->integer_at(3);
  } else if (status == "unchanged") {
    r.status = BeginResult::Status::unchanged;
    r.chunk_count = reply->integer_at(1);
    r.version = reply->integer_at(2);
  } else if (status == "busy") {
    r.status = BeginResult::Status::busy;
    r.holder = reply->string_at(1);
    r.since_ms = reply->integer_at(2);
    r.retry_after_ms = std::max<std::int64_t>(0, reply->integer_at(3));
  } else {
    co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
  }
  co_return r;
}

boost::asio::awaitable<Result<bool>> DocRegistry::renew(const IngestTicket& ticket) {
  // Result<bool> cannot be built from an Error implicitly (Error converts to bool).
  using R = Result<bool>;
  if (auto v = validate_ticket(ticket); !v) co_return R(boost::system::in_place_error, v.error());
  const auto keys = doc_keys(options_.links.prefixes, ticket.doc_id);
  std::vector<std::string> script_keys{keys.lock};
  std::vector<std::string> args{ticket.token, std::to_string(options_.lease.count())};
  auto reply = co_await state_.eval(renew_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return R(boost::system::in_place_error, reply.error());
  auto v = reply->as_integer();
  if (!v) co_return R(boost::system::in_place_error, Error(redis::Errc::unexpected_reply, reply->debug_string()));
  co_return R(boost::system::in_place_value, *v == 1);
}

boost::asio::awaitable<Result<FinishResult>> DocRegistry::finish(const IngestTicket& ticket, std::int64_t chunk_count) {
  if (chunk_count < 0) co_return Error(ragcache::Errc::invalid_argument, "chunk_count must not be negative");
  co_return co_await end(ticket, "done", chunk_count, {});
}

boost::asio::awaitable<Result<FinishResult>> DocRegistry::fail(const IngestTicket& ticket, std::string_view reason) {
  co_return co_await end(ticket, "failed", 0, reason.substr(0, 4096));
}

boost::asio::awaitable<Result<FinishResult>> DocRegistry::end(const IngestTicket& ticket, const char* outcome,
                                                              std::int64_t chunk_count, std::string_view reason) {
  if (auto v = validate_ticket(ticket); !v) co_return v.error();
  const std::string sha = *normalize_sha256(ticket.content_sha256);
  const auto keys = doc_keys(options_.links.prefixes, ticket.doc_id);
  std::vector<std::string> script_keys{keys.doc, keys.lock, keys.answers, keys.stale};
  std::vector<std::string> args{ticket.token, std::to_string(ticket.fence), sha, outcome,
                                std::to_string(chunk_count), std::string(reason),
                                std::to_string(options_.links.link_ttl.count())};
  auto reply = co_await state_.eval(finish_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  const std::string status = reply->string_at(0);
  if (status == "fenced") {
    co_return Error(Errc::lease_lost, "document " + ticket.doc_id + " is at fence " + std::to_string(reply->integer_at(1)) +
                                          ", this ingest had " + std::to_string(ticket.fence));
  }
  if (status == "mismatch") co_return Error(Errc::content_mismatch, "begin locked " + reply->string_at(1));
  if (status != outcome) co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
  FinishResult r;
  r.status = status;
  r.version = reply->integer_at(1);
  r.content_changed = reply->integer_at(2) == 1;
  if (r.content_changed) {
    // The ingest itself is recorded; if the cache role is unreachable the links wait in the
    // stale set for the next drain (next finish or invalidate_doc).
    auto drained = co_await links_.drain(ticket.doc_id);
    if (drained) {
      r.answers_invalidated = *drained;
    } else {
      r.invalidation_pending = true;
    }
  }
  co_return r;
}

boost::asio::awaitable<Result<std::optional<DocRecord>>> DocRegistry::get(std::string_view doc_id) {
  if (auto v = validate_doc_id(doc_id); !v) co_return v.error();
  const auto keys = doc_keys(options_.links.prefixes, doc_id);
  auto reply = co_await state_.exec(redis::Command("HGETALL", keys.doc));
  if (!reply) co_return reply.error();
  if (!reply->is_array()) co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
  if (reply->elements.empty()) co_return std::optional<DocRecord>();
  DocRecord d;
  d.doc_id = std::string(doc_id);
  for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    const std::string& f = reply->elements[i].str;
    const std::string& v = reply->elements[i + 1].str;
    if (f == "status") d.status = v;
    else if (f == "content_sha256") d.content_sha256 = v;
    else if (f == "ingest_sha256") d.ingest_sha256 = v;
    else if (f == "chunk_count") d.chunk_count = to_int(v);
    else if (f == "source") d.source = v;
    else if (f == "holder") d.holder = v;
    else if (f == "error") d.error = v;
    else if (f == "version") d.version = to_int(v);
    else if (f == "fence") d.fence = to_int(v);
    else if (f == "created_at") d.created_at_ms = to_int(v);
    else if (f == "updated_at") d.updated_at_ms = to_int(v);
    else if (f == "started_at") d.started_at_ms = to_int(v);
    else if (f == "finished_at") d.finished_at_ms = to_int(v);
  }
  co_return std::optional<DocRecord>(std::move(d));
}

}  // namespace ragcache::docs
