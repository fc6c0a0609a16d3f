#include "index/term_postings.h"

#include <algorithm>

namespace ragcache::index {

void TermPostings::assign(std::uint32_t slot, std::span<const Term> terms) {
  clear(slot);
  if (terms.empty()) return;
  if (terms_of_slot_.size() <= slot) terms_of_slot_.resize(static_cast<std::size_t>(slot) + 1);
  std::vector<Term> distinct(terms.begin(), terms.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() > kMaxTermsPerSlot) distinct.resize(kMaxTermsPerSlot);
  auto& kept = terms_of_slot_[slot];
  for (Term term : distinct) {
    List& list = lists_[term];
    if (list.saturated) continue;
    if (list.slots.size() >= max_list_) {
      // Every slot on it forgets the term too, so clear() never looks for it again.
      for (std::uint32_t other : list.slots) {
        auto& theirs = terms_of_slot_[other];
        if (auto at = std::find(theirs.begin(), theirs.end(), term); at != theirs.end()) theirs.erase(at);
      }
      list.slots = {};
      list.saturated = true;
      continue;
    }
    // Sorted, so candidates() can count shared terms by merging lists.
    list.slots.insert(std::lower_bound(list.slots.begin(), list.slots.end(), slot), slot);
    kept.push_back(term);
  }
  kept.shrink_to_fit();
}

void TermPostings::clear(std::uint32_t slot) {
  if (slot >= terms_of_slot_.size()) return;
  auto& kept = terms_of_slot_[slot];
  for (Term term : kept) {
    auto it = lists_.find(term);
    if (it == lists_.end()) continue;
    auto& slots = it->second.slots;
    if (auto at = std::lower_bound(slots.begin(), slots.end(), slot); at != slots.end() && *at == slot) {
      slots.erase(at);  // lists are short (<= max_list_)
    }
    if (slots.empty() && !it->second.saturated) lists_.erase(it);
  }
  kept = {};
}

std::span<const Term> TermPostings::terms_of(std::uint32_t slot) const {
  if (slot >= terms_of_slot_.size()) return {};
  return terms_of_slot_[slot];
}

void TermPostings::candidates(std::span<const Term> query, std::size_t budget, std::vector<std::uint32_t>& out) const {
  std::vector<const List*> lists;
  lists.reserve(query.size());
  for (Term term : query) {
    auto it = lists_.find(term);
    if (it == lists_.end() || it->second.saturated || it->second.slots.empty()) continue;
    if (std::find(lists.begin(), lists.end(), &it->second) == lists.end()) lists.push_back(&it->second);
  }
  std::sort(lists.begin(), lists.end(), [](const List* a, const List* b) { return a->slots.size() < b->slots.size(); });
  std::size_t total = 0;
  for (const List* list : lists) total += list->slots.size();
  if (total <= budget) {
    for (const List* list : lists) out.insert(out.end(), list->slots.begin(), list->slots.end());
    return;
  }
  // Too many to compare them all (common at 1M entries): only the slots on at least two of the
  // three rarest lists. A near-repeat shares all its words with the stored question (one may
  // be added or changed), so it is on every one of them; an unrelated entry rarely is on two.
  const std::size_t merged = std::min<std::size_t>(lists.size(), 3);
  if (merged < 2) {
    if (lists.front()->slots.size() <= budget) out.insert(out.end(), lists.front()->slots.begin(), lists.front()->slots.end());
    return;
  }
  std::size_t at[3] = {0, 0, 0};
  std::size_t taken = 0;
  while (taken < budget) {
    // The smallest slot at the head of any list, and on how many lists it is.
    std::uint32_t smallest = UINT32_MAX;
    for (std::size_t i = 0; i < merged; ++i) {
      if (at[i] < lists[i]->slots.size()) smallest = std::min(smallest, lists[i]->slots[at[i]]);
    }
    if (smallest == UINT32_MAX) break;
    int on = 0;
    for (std::size_t i = 0; i < merged; ++i) {
      if (at[i] < lists[i]->slots.size() && lists[i]->slots[at[i]] == smallest) {
        ++on;
        ++at[i];
      }
    }
    if (on >= 2) {
      out.push_back(smallest);
      ++taken;
    }
  }
}

std::size_t TermPostings::memory_bytes() const {
  std::size_t bytes = terms_of_slot_.capacity() * sizeof(std::vector<Term>);
  for (const auto& kept : terms_of_slot_) bytes += kept.capacity() * sizeof(Term);
  // A map node (key, list, next pointer, cached hash) and its bucket, plus the list's slots.
  bytes += lists_.bucket_count() * sizeof(void*);
  for (const auto& [term, list] : lists_) {
    bytes += sizeof(Term) + sizeof(List) + 2 * sizeof(void*) + list.slots.capacity() * sizeof(std::uint32_t);
  }
  return bytes;
}

}  // namespace ragcache::index
