// Encoding: an exact BPE tokenizer for one vocabulary (cl100k_base, o200k_base), giving the same
// token ids as OpenAI's tiktoken and the npm `tiktoken` (WASM) package.
//
// Encoding a text takes three steps:
//  1. Repair invalid UTF-8: each maximal invalid byte sequence counts as one U+FFFD, as a
//     WHATWG/JavaScript decoder would read the bytes (utf8.h). Never an error, never a crash.
//  2. Split it into pieces with the encoding's pattern (Pretokenizer, PCRE2 JIT).
//  3. Each piece that is itself a token is one token; any other piece is byte-pair merged
//     (byte_pair.h).
// Special tokens ("<|endoftext|>", ...) inside user text are plain text by default: encode() and
// count() read "<|endoftext|>" as the ordinary characters it is made of, as tiktoken's
// encode_ordinary does. encode_with_special_tokens() is the opt-in that maps them to their ids.
//
// Immutable after create(), every method const and thread-safe: the gateway's threads share one
// instance per encoding (see registry.h, which loads each one once).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "tokens/pretokenizer.h"
#include "tokens/rank_map.h"

namespace ragcache::tokens {

class Encoding {
 public:
  // Builds an encoding from its ranks, its pattern (Rust-regex syntax, as published by OpenAI)
  // and its special tokens. Errc::bad_pattern if the pattern cannot be compiled;
  // Errc::rank_file_invalid if some single byte has no rank (not a byte-level BPE vocabulary).
  static Result<std::shared_ptr<const Encoding>> create(
      std::string name, RankMap ranks, std::string_view pattern,
      std::vector<std::pair<std::string, Rank>> special_tokens);

  // Number of tokens of `text` (any bytes; see above for invalid UTF-8). Same as encode().size(),
  // without building the id list.
  std::size_t count(std::string_view text) const;

  // Token ids of `text`, special-token text read as plain text.
  std::vector<Rank> encode(std::string_view text) const;
  // Same, appending to `out` (lets a caller reuse one buffer).
  void encode(std::string_view text, std::vector<Rank>& out) const;

  // Token ids of `text` where every occurrence of a special token's text becomes its id.
  std::vector<Rank> encode_with_special_tokens(std::string_view text) const;

  // The bytes of the given tokens, concatenated (special tokens as their text); unknown ids are
  // skipped. A token can end inside a UTF-8 character, so the result of a partial list may not
  // be valid UTF-8.
  std::string decode(std::span<const Rank> ids) const;

  const std::string& name() const { return name_; }
  // Number of ordinary (mergeable) tokens.
  std::size_t vocabulary_size() const { return ranks_.size(); }
  const std::vector<std::pair<std::string, Rank>>& special_tokens() const { return special_tokens_; }

 private:
  Encoding(std::string name, RankMap ranks, Pretokenizer pretokenizer,
           std::vector<std::pair<std::string, Rank>> special_tokens);

  std::size_t count_valid(std::string_view text) const;
  void encode_valid(std::string_view text, std::vector<Rank>& out) const;

  std::string name_;
  RankMap ranks_;
  Pretokenizer pretokenizer_;
  std::vector<std::pair<std::string, Rank>> special_tokens_;
};

}  // namespace ragcache::tokens
