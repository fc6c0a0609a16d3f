// The terms of a question for the vector index's word lists (index/term_postings.h): its word
// features as the built-in embedder reads them (text_features.h: lower-cased, accents folded,
// stemmed, numbers and negations as tokens, CJK character bigrams), each hashed to 32 bits.
//
// Independent of the configured embedder: whatever model makes the vectors, a near-repeat of a
// stored question shares that question's words, which is all the word lists need. Stop words and
// single CJK characters are left out (they narrow nothing); the index drops any other term that
// turns out too common in a partition.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ragcache::embed {

// Distinct term hashes, at most 32 (the first ones in text order), sorted.
std::vector<std::uint32_t> question_terms(std::string_view question);

}  // namespace ragcache::embed
