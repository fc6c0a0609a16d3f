// The sliding-window rule, as plain functions (the append script, scripts/append.lua, applies the
// very same rule inside Redis; the tests check the two agree).
//
// After messages are appended, the oldest are dropped while
//     count > max_messages  or  token_total > max_tokens,
// but the newest message is always kept, even alone over max_tokens (a window that dropped what
// was just said would lose the turn). An id already in the window is not appended again.
#pragma once

#include <cstddef>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "domain/session/options.h"

namespace ragcache::session {

// A message of the window as the rule sees it.
struct WindowEntry {
  std::string id;
  std::size_t tokens = 0;
};

// How many of the oldest entries (tokens given oldest first) to drop to satisfy the limits.
std::size_t entries_to_trim(std::span<const std::size_t> tokens_oldest_first, std::size_t max_messages,
                            std::size_t max_tokens);

// What one append did to a window.
struct AppendOutcome {
  std::vector<std::string> appended;    // ids added, in order (some may be trimmed at once)
  std::vector<std::string> duplicates;  // ids skipped because they were already in the window
  std::vector<std::string> trimmed;     // ids dropped from the front, oldest first
};

// A window held in memory: the reference model of what the script does.
class WindowModel {
 public:
  AppendOutcome append(std::span<const WindowEntry> entries, std::size_t max_messages, std::size_t max_tokens);
  // Applies an outcome observed from Redis: appends `appended` (with their tokens) and drops
  // `trimmed`, which must be exactly the window's oldest entries; false if it is not.
  bool apply(const AppendOutcome& outcome, std::span<const WindowEntry> entries);

  const std::deque<WindowEntry>& entries() const { return entries_; }
  std::size_t token_total() const;

 private:
  std::deque<WindowEntry> entries_;
};

}  // namespace ragcache::session
