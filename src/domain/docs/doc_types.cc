#include "domain/docs/doc_types.h"

#include <boost/json.hpp>

#include "domain/docs/doc_keys.h"

namespace ragcache::docs {
namespace {

namespace json = boost::json;

Error bad(std::string what) { return Error(ragcache::Errc::invalid_argument, std::move(what)); }

// Reads optional fields of one JSON object, remembering the first problem (one error per body).
class FieldReader {
 public:
  explicit FieldReader(const json::object& obj) : obj_(obj) {}

  std::optional<std::string> string(std::string_view name, bool required) {
    const json::value* v = obj_.if_contains(name);
    if (!v || v->is_null()) {
      if (required) fail("missing field \"" + std::string(name) + "\"");
      return std::nullopt;
    }
    if (!v->is_string()) {
      fail("field \"" + std::string(name) + "\" must be a string");
      return std::nullopt;
    }
    return std::string(v->as_string());
  }

  std::optional<std::int64_t> integer(std::string_view name, bool required) {
    const json::value* v = obj_.if_contains(name);
    if (!v || v->is_null()) {
      if (required) fail("missing field \"" + std::string(name) + "\"");
      return std::nullopt;
    }
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->as_uint64());
    fail("field \"" + std::string(name) + "\" must be an integer");
    return std::nullopt;
  }

  void fail(std::string what) {
    if (!error_) error_ = bad(std::move(what));
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const json::object& obj_;
  std::optional<Error> error_;
};

}  // namespace

const char* to_string(BeginResult::Status s) {
  switch (s) {
    case BeginResult::Status::acquired: return "acquired";
    case BeginResult::Status::unchanged: return "unchanged";
    case BeginResult::Status::busy: return "busy";
  }
  return "busy";
}

json::value to_json(const BeginResult& r) {
  json::object o;
  o["status"] = to_string(r.status);
  o["doc_id"] = r.doc_id;
  o["content_sha256"] = r.content_sha256;
  switch (r.status) {
    case BeginResult::Status::acquired:
      o["token"] = r.ticket.token;
      o["fence"] = r.ticket.fence;
      o["lease_ms"] = r.lease_ms;
      o["version"] = r.version;
      break;
    case BeginResult::Status::unchanged:
      o["chunk_count"] = r.chunk_count;
      o["version"] = r.version;
      break;
    case BeginResult::Status::busy:
      o["holder"] = r.holder;
      o["since_ms"] = r.since_ms;
      o["retry_after_ms"] = r.retry_after_ms;
      break;
  }
  return o;
}

json::value to_json(const FinishResult& r) {
  return json::object{{"status", r.status},
                      {"version", r.version},
                      {"content_changed", r.content_changed},
                      {"answers_invalidated", r.answers_invalidated},
                      {"invalidation_pending", r.invalidation_pending}};
}

json::value to_json(const DocRecord& r) {
  return json::object{{"doc_id", r.doc_id},
                      {"status", r.status},
                      {"content_sha256", r.content_sha256},
                      {"ingest_sha256", r.ingest_sha256},
                      {"chunk_count", r.chunk_count},
                      {"source", r.source},
                      {"holder", r.holder},
                      {"error", r.error},
                      {"version", r.version},
                      {"fence", r.fence},
                      {"created_at_ms", r.created_at_ms},
                      {"updated_at_ms", r.updated_at_ms},
                      {"started_at_ms", r.started_at_ms},
                      {"finished_at_ms", r.finished_at_ms}};
}

Result<BeginRequest> begin_request_from_json(const json::value& body) {
  if (!body.is_object()) return bad("request body must be a JSON object");
  FieldReader f(body.as_object());
  auto sha = f.string("content_sha256", true);
  auto holder = f.string("holder", false);
  auto source = f.string("source", false);
  if (f.error()) return *f.error();
  auto norm = normalize_sha256(*sha);
  if (!norm) return norm.error();
  if (holder && holder->size() > 256) return bad("holder longer than 256 bytes");
  if (source && source->size() > 2048) return bad("source longer than 2048 bytes");
  return BeginRequest{*norm, holder.value_or(""), source.value_or("")};
}

Result<FinishRequest> finish_request_from_json(const json::value& body, std::string_view doc_id) {
  if (!body.is_object()) return bad("request body must be a JSON object");
  FieldReader f(body.as_object());
  auto sha = f.string("content_sha256", true);
  auto token = f.string("token", true);
  auto fence = f.integer("fence", true);
  auto body_id = f.string("doc_id", false);
  auto chunks = f.integer("chunk_count", false);
  auto error = f.string("error", false);
  if (f.error()) return *f.error();
  if (auto v = validate_doc_id(doc_id); !v) return v.error();
  if (body_id && *body_id != doc_id) return bad("doc_id in the body differs from the one in the path");
  auto norm = normalize_sha256(*sha);
  if (!norm) return norm.error();
  if (token->empty() || token->size() > 128) return bad("token must be 1 to 128 bytes");
  if (*fence <= 0) return bad("fence must be positive");
  if (chunks && *chunks < 0) return bad("chunk_count must not be negative");
  FinishRequest req;
  req.ticket = IngestTicket{std::string(doc_id), *norm, *token, *fence};
  req.chunk_count = chunks.value_or(0);
  req.error = error.value_or("");
  if (req.error.size() > 4096) req.error.resize(4096);
  return req;
}

Result<BeginResult> begin_result_from_json(const json::value& body) {
  if (!body.is_object()) return bad("begin result must be a JSON object");
  FieldReader f(body.as_object());
  auto status = f.string("status", true);
  auto doc_id = f.string("doc_id", true);
  auto sha = f.string("content_sha256", true);
  if (f.error()) return *f.error();
  BeginResult r;
  r.doc_id = *doc_id;
  r.content_sha256 = *sha;
  if (*status == "acquired") {
    r.status = BeginResult::Status::acquired;
    auto token = f.string("token", true);
    auto fence = f.integer("fence", true);
    r.lease_ms = f.integer("lease_ms", false).value_or(0);
    r.version = f.integer("version", false).value_or(0);
    if (f.error()) return *f.error();
    r.ticket = IngestTicket{r.doc_id, r.content_sha256, *token, *fence};
  } else if (*status == "unchanged") {
    r.status = BeginResult::Status::unchanged;
    r.chunk_count = f.integer("chunk_count", false).value_or(0);
    r.version = f.integer("version", false).value_or(0);
  } else if (*status == "busy") {
    r.status = BeginResult::Status::busy;
    r.holder = f.string("holder", false).value_or("");
    r.since_ms = f.integer("since_ms", false).value_or(0);
    r.retry_after_ms = f.integer("retry_after_ms", false).value_or(0);
  } else {
    return bad("unknown begin status \"" + *status + "\"");
  }
  if (f.error()) return *f.error();
  return r;
}

}  // namespace ragcache::docs
