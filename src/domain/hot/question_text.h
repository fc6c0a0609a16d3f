// Normalising a question for the hot ranking, so "What is RAG?" and "  what is rag " count as
// one question: ASCII letters lower-cased, runs of whitespace collapsed to one space, leading and
// trailing whitespace and trailing ?!. removed, cut to max_bytes on a UTF-8 character boundary.
// Non-ASCII text is kept as it is (no Unicode case folding). Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ragcache::hot {

inline constexpr std::size_t kDefaultQuestionBytes = 200;

// May return "" (nothing left): such a question is not recorded.
std::string normalize_question(std::string_view text, std::size_t max_bytes = kDefaultQuestionBytes);

}  // namespace ragcache::hot
