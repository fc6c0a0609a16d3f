// Pretokenizer: splits text into the pieces that byte-pair merging then works on, with the
// encoding's regular expression compiled by PCRE2 (UTF + Unicode properties, JIT-compiled).
//
// Pieces are the successive leftmost matches of the pattern, each search starting where the last
// match ended, as Rust's find_iter (and so tiktoken) does; characters no alternative matches are
// skipped (the OpenAI patterns match every character, so none are). The input must be valid UTF-8
// (Encoding repairs it first; see utf8.h). Immutable after compile(), so one instance serves any
// number of threads: each thread matches with its own thread-local PCRE2 match data and JIT stack.
// For the two OpenAI patterns, matches that only involve ASCII characters are found by a
// hand-written scanner instead (ascii_scanner.h), with the same result and several times faster.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "base/error.h"

namespace ragcache::tokens {

class Pretokenizer {
 public:
  // Compiles a tokenizer pattern written for Rust's regex (translated by to_pcre2_pattern).
  // Errc::bad_pattern if it cannot be translated or compiled. `ascii_fast_path` = false makes
  // every match go through PCRE2 (tests compare the two).
  static Result<Pretokenizer> compile(std::string_view rust_pattern, bool ascii_fast_path = true);

  // Finds the first piece of `text` starting at or after byte `offset`: sets [start, end) and
  // returns true, or returns false when there is none. Never returns an empty piece.
  bool find_piece(std::string_view text, std::size_t offset, std::size_t& start, std::size_t& end) const;

  // Calls f(piece) for every piece of `text`, in order.
  template <class F>
  void for_each_piece(std::string_view text, F&& f) const {
    std::size_t offset = 0, start = 0, end = 0;
    while (offset < text.size() && find_piece(text, offset, start, end)) {
      f(text.substr(start, end - start));
      offset = end;
    }
  }

 private:
  struct Code;
  explicit Pretokenizer(std::shared_ptr<const Code> code) : code_(std::move(code)) {}
  std::shared_ptr<const Code> code_;
};

}  // namespace ragcache::tokens
