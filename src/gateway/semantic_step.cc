#include "gateway/semantic_step.h"

#include <cctype>

#include "base/hash.h"

namespace ragcache::gateway {

namespace {

bool is_system_role(std::string_view role) { return role == "system" || role == "developer"; }

void append_field(std::string& out, std::string_view field) {
  // Length-prefixed: no content can make two different inputs produce the same text.
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> standalone_question(const std::vector<cache::ChatMessage>& messages) {
  const cache::ChatMessage* question = nullptr;
  for (const auto& m : messages) {
    if (is_system_role(m.role)) continue;
    if (question || m.role != "user") return std::nullopt;  // history, or not a user question
    question = &m;
  }
  if (!question || trim(question->content).empty()) return std::nullopt;
  return question->content;
}

std::string semantic_fingerprint(const std::vector<cache::ChatMessage>& messages,
                                 const std::vector<std::pair<std::string, std::string>>& params,
                                 std::string_view embedder_id) {
  std::string text;
  append_field(text, embedder_id);
  const cache::ChatMessage* asker = nullptr;
  for (const auto& m : messages) {
    if (is_system_role(m.role)) {
      append_field(text, m.role);
      append_field(text, m.content);
      append_field(text, m.name);
    } else if (m.role == "user") {
      asker = &m;
    }
  }
  // Who asks (a named participant) shapes the answer too; the history does not count here.
  append_field(text, asker ? std::string_view(asker->name) : std::string_view());
  text += '|';
  for (const auto& [name, value] : params) {
    append_field(text, name);
    append_field(text, value);
  }
  return sha256_hex(text).substr(0, 32);
}

SemanticPlan plan_semantic(const SemanticInputs& in) {
  SemanticPlan plan;
  if (!in.enabled) {
    plan.skip_reason = "disabled";
    return plan;
  }
  if (!in.cacheable) {
    plan.skip_reason = "uncacheable";
    return plan;
  }
  if (!in.plain_text) {
    plan.skip_reason = "not-plain-text";
    return plan;
  }
  if (in.has_source_docs) {
    plan.skip_reason = "source-docs";
    return plan;
  }
  bool may_store = true;
  if (in.resolved_query) {
    plan.question = std::string(*in.resolved_query);
    may_store = in.store_resolved_query;
  } else if (auto q = in.messages ? standalone_question(*in.messages) : std::nullopt) {
    plan.question = std::move(*q);
  } else {
    plan.skip_reason = "follow-up";
    return plan;
  }
  static const std::vector<std::pair<std::string, std::string>> kNoParams;
  static const std::vector<cache::ChatMessage> kNoMessages;
  plan.partition.tenant = std::string(in.tenant);
  plan.partition.model = std::string(in.model);
  plan.partition.name_space = std::string(in.name_space);
  plan.partition.system_fingerprint = semantic_fingerprint(in.messages ? *in.messages : kNoMessages,
                                                           in.params ? *in.params : kNoParams, in.embedder_id);
  plan.store = may_store;
  plan.lookup = !in.no_cache;
  return plan;
}


}  // namespace ragcache::gateway
