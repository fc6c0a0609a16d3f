// SentencePieceTokenizer: the unigram tokenizer of the Universal Sentence Encoder Lite, exactly
// as the npm package @energetic-ai/embeddings 0.2.0 runs it (its dist/index.js), so that token
// ids, and therefore vectors, equal the reference implementation's:
//
//   1. NFKC-normalise the text; if it is not empty, replace every space (U+0020 only) by "▁"
//      (U+2581) and put one "▁" in front.
//   2. At every position, the vocabulary pieces that start there (a trie over code points);
//      where none does, the single code point as the unknown piece (id 0, score 0).
//   3. Viterbi over the pieces' scores (log probabilities): the segmentation with the highest
//      total. Quirks kept: a position's best total of exactly 0 counts as "not reached yet", ties
//      go to the later start (the shorter last piece), a null score in the vocabulary counts 0.
//   4. Walk back from the end by each chosen piece's length in UTF-16 units, merge runs of
//      unknown pieces into one, reverse.
//
// The first `reserved` ids (<unk>-like "\uFFFD", <s>, </s>, extra ids) never match text.
// Thread safety: encode() is const and may run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "embed/use_lite_model_file.h"

namespace ragcache::embed {

class SentencePieceTokenizer {
 public:
  static constexpr std::size_t kReservedIds = 6;

  // invalid_argument for a vocabulary with no ids beyond the reserved ones.
  static Result<SentencePieceTokenizer> create(const std::vector<VocabPiece>& vocab,
                                               std::size_t reserved = kReservedIds);

  // Token ids of `text` (UTF-8; invalid bytes count as U+FFFD). Empty text: no ids.
  std::vector<std::int32_t> encode(std::string_view text) const;

  std::size_t size() const { return scores_.size(); }

 private:
  SentencePieceTokenizer() = default;
  // Child of trie node `node` by code point `cp`, or -1.
  std::int32_t child(std::int32_t node, char32_t cp) const;

  std::vector<double> scores_;                  // by id
  std::vector<std::uint32_t> utf16_lengths_;    // by id: what the walk back steps by
  std::vector<std::int32_t> node_piece_;        // by trie node: the piece ending there, or -1
  std::unordered_map<std::uint64_t, std::int32_t> children_;  // (node << 21 | code point) -> node
};

}  // namespace ragcache::embed
