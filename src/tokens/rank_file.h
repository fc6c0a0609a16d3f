// Parsing of BPE rank data, in both forms it ships in:
//
//  1. OpenAI's `.tiktoken` files (e.g. cl100k_base.tiktoken): one "<base64 token bytes> <rank>"
//     per line. They carry ranks only; the pattern and special tokens come from the encoding's
//     built-in definition.
//  2. The npm `tiktoken` package's `encoders/<name>.json`: an object with "pat_str" (the
//     pre-tokenizer pattern), "special_tokens" ({"<|endoftext|>": 100257, ...}) and "bpe_ranks",
//     a compact string of lines that are either "! <first rank> <b64> <b64> ..." (consecutive ranks
//     from <first rank>) or "<b64> <rank>".
//
// The form is told apart by content: a JSON encoder starts with '{'.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "tokens/rank_map.h"

namespace ragcache::tokens {

struct RankFileData {
  RankMap ranks;
  std::optional<std::string> pattern;                        // only the JSON form carries it
  std::vector<std::pair<std::string, Rank>> special_tokens;  // only the JSON form carries them
};

// Parses rank data in either form. `source` names it in error messages (a path, usually).
// Errc::rank_file_invalid on a malformed line, bad base64, or a token listed twice.
Result<RankFileData> parse_rank_file(std::string_view contents, std::string_view source);

// Reads and parses a file. Errc::rank_file_missing if it cannot be opened.
Result<RankFileData> load_rank_file(const std::string& path);

}  // namespace ragcache::tokens
