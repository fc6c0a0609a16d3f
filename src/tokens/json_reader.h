// A small, strict JSON reader: just enough to read the npm `tiktoken` encoder files
// ({"pat_str": "...", "special_tokens": {"...": 1}, "bpe_ranks": "..."}) and the JSON-string lines
// of `ragcache tokens --jsonl`, so this pure-computation layer needs no JSON library.
//
// Strings are decoded to UTF-8. A lone UTF-16 surrogate escape (e.g. "\ud800"), which JSON allows
// but UTF-8 cannot hold, becomes U+FFFD, as JavaScript's TextEncoder does with such a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ragcache::tokens {

class JsonReader {
 public:
  // `text` must outlive the reader.
  explicit JsonReader(std::string_view text) : text_(text) {}

  // Skips whitespace; returns false at the end of the text.
  bool skip_whitespace();
  // Consumes `c` (after whitespace) if it is next; returns whether it was.
  bool consume(char c);
  // Reads a string literal (after whitespace) into `out`.
  bool read_string(std::string& out);
  // Reads a non-negative integer (after whitespace).
  bool read_unsigned(std::uint64_t& out);
  // Skips any one value (after whitespace), nested arrays and objects included.
  bool skip_value();
  // True when only whitespace is left.
  bool at_end();

  std::size_t position() const { return pos_; }

 private:
  bool read_hex4(std::uint32_t& out);
  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

// Decodes a whole text that must be exactly one JSON string (surrounding whitespace allowed).
std::optional<std::string> decode_json_string(std::string_view text);

}  // namespace ragcache::tokens
