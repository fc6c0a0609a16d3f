#include "domain/session/window_rule.h"

#include <algorithm>
#include <unordered_set>

namespace ragcache::session {

std::size_t entries_to_trim(std::span<const std::size_t> tokens_oldest_first, std::size_t max_messages,
                            std::size_t max_tokens) {
  std::size_t count = tokens_oldest_first.size();
  std::size_t total = 0;
  for (auto t : tokens_oldest_first) total += t;
  std::size_t drop = 0;
  while (count - drop > 1 && (count - drop > max_messages || total > max_tokens)) {
    total -= tokens_oldest_first[drop];
    ++drop;
  }
  return drop;
}

AppendOutcome WindowModel::append(std::span<const WindowEntry> entries, std::size_t max_messages,
                                  std::size_t max_tokens) {
  AppendOutcome out;
  std::unordered_set<std::string> present;
  for (const auto& e : entries_) present.insert(e.id);
  for (const auto& e : entries) {
    if (!present.insert(e.id).second) {
      out.duplicates.push_back(e.id);
      continue;
    }
    entries_.push_back(e);
    out.appended.push_back(e.id);
  }
  std::vector<std::size_t> tokens;
  tokens.reserve(entries_.size());
  for (const auto& e : entries_) tokens.push_back(e.tokens);
  const auto drop = entries_to_trim(tokens, max_messages, max_tokens);
  for (std::size_t i = 0; i < drop; ++i) {
    out.trimmed.push_back(entries_.front().id);
    entries_.pop_front();
  }
  return out;
}

bool WindowModel::apply(const AppendOutcome& outcome, std::span<const WindowEntry> entries) {
  for (const auto& id : outcome.appended) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const WindowEntry& e) { return e.id == id; });
    if (it == entries.end()) return false;
    entries_.push_back(*it);
  }
  for (const auto& id : outcome.trimmed) {
    if (entries_.empty() || entries_.front().id != id) return false;
    entries_.pop_front();
  }
  return true;
}

std::size_t WindowModel::token_total() const {
  std::size_t total = 0;
  for (const auto& e : entries_) total += e.tokens;
  return total;
}

}  // namespace ragcache::session
