// Values of the document registry (doc_registry.h) and their JSON forms for the native API:
//   POST /v1/ragcache/docs/{id}/begin  {"content_sha256":"..."}  -> BeginResult as JSON
//   POST /v1/ragcache/docs/{id}/finish (or /fail) with the object begin returned, which carries
//   the holder's token and fencing number, plus content_sha256 (and chunk_count / error).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "base/error.h"

namespace ragcache::docs {

// What a worker holds while it ingests: proof for renew/finish/fail.
struct IngestTicket {
  std::string doc_id;
  std::string content_sha256;
  std::string token;       // owner token of lock:doc:{id}
  std::int64_t fence = 0;  // fencing number: only the latest ingest may finish
};

struct BeginResult {
  enum class Status { acquired, unchanged, busy };
  Status status = Status::busy;
  std::string doc_id;
  std::string content_sha256;  // the content asked for
  // acquired
  IngestTicket ticket;
  std::int64_t lease_ms = 0;
  // acquired / unchanged: the document's version (moves on with each content change)
  std::int64_t version = 0;
  // unchanged
  std::int64_t chunk_count = 0;
  // busy: who holds the lock, since when (unix ms) and for how long at most (ms)
  std::string holder;
  std::int64_t since_ms = 0;
  std::int64_t retry_after_ms = 0;
};

struct FinishResult {
  std::string status;             // "done" | "failed"
  std::int64_t version = 0;       // the document's version after this ingest
  bool content_changed = false;   // answers citing it were invalidated
  std::size_t answers_invalidated = 0;
  bool invalidation_pending = false;  // the cache role could not be reached; retried later
};

// The document hash as stored (timestamps in unix ms; 0 = never).
struct DocRecord {
  std::string doc_id;
  std::string status;  // "ingesting" | "done" | "failed"
  std::string content_sha256;  // last content ingested completely ("" if none)
  std::string ingest_sha256;   // content of the latest begin
  std::int64_t chunk_count = 0;
  std::string source;
  std::string holder;  // worker of the latest ingest
  std::string error;   // reason of the latest failure
  std::int64_t version = 0;
  std::int64_t fence = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;
};

// Body of POST .../begin: {"content_sha256":"...", "holder"?:"...", "source"?:"..."}.
struct BeginRequest {
  std::string content_sha256;
  std::string holder;
  std::string source;
};

// Body of POST .../finish or .../fail: the begin object + content_sha256 (+ chunk_count, error).
struct FinishRequest {
  IngestTicket ticket;
  std::int64_t chunk_count = 0;
  std::string error;
};

const char* to_string(BeginResult::Status s);

boost::json::value to_json(const BeginResult& r);
boost::json::value to_json(const FinishResult& r);
boost::json::value to_json(const DocRecord& r);

// doc_id: the id from the URL path; a "doc_id" field in the body must match it.
Result<BeginRequest> begin_request_from_json(const boost::json::value& body);
Result<FinishRequest> finish_request_from_json(const boost::json::value& body, std::string_view doc_id);
Result<BeginResult> begin_result_from_json(const boost::json::value& body);

}  // namespace ragcache::docs
