// A tiny byte-level BPE vocabulary for unit tests: every single byte (ranks 0-255) plus a few
// merges that compete with each other, so merge order matters. Real vocabularies are tested in
// oracle_itest.cc.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/base64.h"
#include "tokens/rank_map.h"

namespace ragcache::tokens::testdata {

// The merges above the 256 bytes, in rank order (rank = 256 + index).
inline const std::vector<std::string>& toy_merges() {
  static const std::vector<std::string> merges = {"ab",  "bc",   "aa",  "ca",   "abc",    "aaa",  "aab",
                                                  "bca", "aaaa", "cab", "he",   "ll",     "hell", "hello",
                                                  " w",  "or",   "ld",  " wor", " world", "  ",   "    "};
  return merges;
}

inline std::vector<std::pair<std::string, Rank>> toy_entries() {
  std::vector<std::pair<std::string, Rank>> entries;
  for (int b = 0; b < 256; ++b) entries.emplace_back(std::string(1, static_cast<char>(b)), b);
  Rank rank = 256;
  for (const auto& m : toy_merges()) entries.emplace_back(m, rank++);
  return entries;
}

inline RankMap toy_rank_map() {
  RankMap map;
  for (const auto& [bytes, rank] : toy_entries()) map.insert(bytes, rank);
  return map;
}

// The toy vocabulary as a `.tiktoken` file ("<base64> <rank>" lines).
inline std::string toy_tiktoken_file() {
  std::string out;
  for (const auto& [bytes, rank] : toy_entries()) {
    out += ragcache::encode_base64(bytes);
    out += ' ';
    out += std::to_string(rank);
    out += '\n';
  }
  return out;
}

// The toy vocabulary in the npm package's compact form ("! 0 <b64> <b64> ...").
inline std::string toy_compact_ranks() {
  std::string out = "! 0";
  for (const auto& [bytes, rank] : toy_entries()) {
    out += ' ';
    out += ragcache::encode_base64(bytes);
  }
  return out;
}

// A JSON encoder file like the npm package's: `head` is the members before "bpe_ranks" (each
// followed by a comma), the ranks are the toy vocabulary's.
inline std::string toy_json_encoder(const std::string& head) {
  std::string out = "{";
  out += head;
  out += "\"bpe_ranks\":\"";
  out += toy_compact_ranks();
  out += "\"}";
  return out;
}

}  // namespace ragcache::tokens::testdata
