// The semantic step of the chat flow, as pure decisions (the gateway does the I/O):
//   - whether a request may use the semantic cache at all, and under which question;
//   - the partition its answer belongs to;
//   - the request controls X-Semantic-Threshold and X-Resolved-Query.
//
// A cached answer may only be reused for a question asked in the same conditions: the same
// tenant, model, namespace, system prompt AND every other parameter that changes the output
// (temperature, response_format, max_tokens...), plus the same embedder (vectors of two
// embedders are not comparable). All of that except tenant/model/namespace is folded into the
// partition's fingerprint, so two requests share a partition only when nothing but the wording
// of the user's question differs.
//
// The question must stand alone: a request whose only non-system message is one user message
// (a first turn, or a session with an empty window). A follow-up ("and in Python?") means
// nothing without its history, so it uses the semantic cache only when the caller supplies the
// standalone form in X-Resolved-Query; that text is then what is looked up and stored.
//
// Never used for: no-store requests, requests that are not plain text (openai::ChatRequest::
// not_plain_text: tools, tool messages, structured output, n > 1, logprobs, audio), requests
// with X-Source-Docs (answers built on documents are only ever reused through the exact cache,
// whose key carries the documents' versions, so a re-ingest can never be bypassed through a
// similar question), and when Redis was found down. Cache-Control: no-cache skips the lookup
// but still stores.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/cache/canonical_key.h"
#include "index/partition.h"

namespace ragcache::gateway {

struct SemanticInputs {
  bool enabled = false;          // serve --semantic on and a semantic cache configured
  bool cacheable = false;        // exact-cache rules passed (not no-store, Redis up)
  bool plain_text = false;       // a plain-text question asked for one plain-text answer
  bool no_cache = false;         // Cache-Control: no-cache
  bool has_source_docs = false;  // X-Source-Docs given
  std::string_view tenant;
  std::string_view model;
  std::string_view name_space;
  std::string_view embedder_id;  // the semantic embedder's model_id()
  const std::vector<cache::ChatMessage>* messages = nullptr;  // effective (session window included)
  const std::vector<std::pair<std::string, std::string>>* params = nullptr;  // key-relevant parameters
  std::optional<std::string_view> resolved_query = {};  // X-Resolved-Query (validated)
  bool store_resolved_query = true;  // false: a resolved query is looked up but never stored
};

struct SemanticPlan {
  bool lookup = false;  // try the semantic cache before generating
  bool store = false;   // insert a fresh, complete answer afterwards
  std::string question;
  index::PartitionKey partition;
  std::string_view skip_reason;  // why not (for debug logs); empty when used
};

SemanticPlan plan_semantic(const SemanticInputs& in);

// The standalone question of `messages`, or nullopt when it is a follow-up (see above).
std::optional<std::string> standalone_question(const std::vector<cache::ChatMessage>& messages);

// Hex fingerprint of everything but the user's question that shapes the answer: the system /
// developer messages (in order), the key-relevant parameters and the embedder id.
std::string semantic_fingerprint(const std::vector<cache::ChatMessage>& messages,
                                 const std::vector<std::pair<std::string, std::string>>& params,
                                 std::string_view embedder_id);


}  // namespace ragcache::gateway
