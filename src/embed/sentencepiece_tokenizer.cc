#include "embed/sentencepiece_tokenizer.h"

#include <algorithm>

#include "embed/nfkc.h"
#include "tokens/utf8.h"

namespace ragcache::embed {

// UTF-8 is tokens/utf8.h's (the one UTF-8 module); embed keeps only its character classes.
using tokens::decode_utf8;

namespace {

constexpr char32_t kWordBoundary = 0x2581;  // "▁"

std::uint64_t child_key(std::int32_t node, char32_t cp) {
  return (static_cast<std::uint64_t>(node) << 21) | static_cast<std::uint64_t>(cp);
}

std::uint32_t utf16_length(const std::u32string& cps) {
  std::uint32_t n = 0;
  for (char32_t c : cps) n += c > 0xFFFF ? 2 : 1;
  return n;
}

// A piece that can end a segmentation at some position: where it starts, which id, its score.
struct Candidate {
  std::uint32_t start;
  std::int32_t id;
  double score;
};

}  // namespace

Result<SentencePieceTokenizer> SentencePieceTokenizer::create(const std::vector<VocabPiece>& vocab,
                                                              std::size_t reserved) {
  if (vocab.size() <= reserved) return Error(Errc::invalid_argument, "tokenizer: vocabulary has no pieces");
  SentencePieceTokenizer t;
  t.node_piece_.push_back(-1);  // the root
  t.scores_.reserve(vocab.size());
  t.utf16_lengths_.reserve(vocab.size());
  for (std::size_t id = 0; id < vocab.size(); ++id) {
    const std::u32string cps = decode_utf8(vocab[id].piece);
    t.scores_.push_back(vocab[id].score);
    t.utf16_lengths_.push_back(utf16_length(cps));
    if (id < reserved || cps.empty()) continue;
    std::int32_t node = 0;
    for (char32_t c : cps) {
      auto [it, inserted] = t.children_.try_emplace(child_key(node, c), static_cast<std::int32_t>(t.node_piece_.size()));
      if (inserted) t.node_piece_.push_back(-1);
      node = it->second;
    }
    t.node_piece_[static_cast<std::size_t>(node)] = static_cast<std::int32_t>(id);  // a later duplicate wins
  }
  return t;
}

std::int32_t SentencePieceTokenizer::child(std::int32_t node, char32_t cp) const {
  auto it = children_.find(child_key(node, cp));
  return it == children_.end() ? -1 : it->second;
}

std::vector<std::int32_t> SentencePieceTokenizer::encode(std::string_view text) const {
  std::u32string symbols = nfkc_code_points(text);
  if (symbols.empty()) return {};
  for (char32_t& c : symbols) {
    if (c == U' ') c = kWordBoundary;
  }
  symbols.insert(symbols.begin(), kWordBoundary);
  const std::size_t n = symbols.size();

  // Every piece ending at each position, in increasing order of start (the order the reference
  // visits them in, which decides ties).
  std::vector<std::vector<Candidate>> ending(n + 1);
  for (std::size_t start = 0; start < n; ++start) {
    bool matched = false;
    std::int32_t node = child(0, symbols[start]);
    for (std::size_t end = start + 1; node >= 0; ++end) {
      const std::int32_t id = node_piece_[static_cast<std::size_t>(node)];
      if (id >= 0) {
        ending[end].push_back({static_cast<std::uint32_t>(start), id, scores_[static_cast<std::size_t>(id)]});
        matched = true;
      }
      if (end == n) break;
      node = child(node, symbols[end]);
    }
    if (!matched) ending[start + 1].push_back({static_cast<std::uint32_t>(start), 0, 0.0});
  }

  std::vector<double> best(n + 1, 0.0);
  std::vector<std::int32_t> words(n + 1, 0);
  for (std::size_t end = 0; end <= n; ++end) {
    for (const auto& c : ending[end]) {
      const double score = c.score + best[c.start];
      if (best[end] == 0.0 || score >= best[end]) {
        best[end] = score;
        words[end] = c.id;
      }
    }
  }

  std::vector<std::int32_t> reversed;
  for (std::int64_t at = static_cast<std::int64_t>(n); at > 0;) {
    const std::int32_t id = words[static_cast<std::size_t>(at)];
    reversed.push_back(id);
    // The reference steps by the piece's UTF-16 length (never 0 here: an empty piece would
    // loop forever there, and is never chosen).
    at -= std::max<std::int64_t>(1, utf16_lengths_[static_cast<std::size_t>(id)]);
  }
  std::vector<std::int32_t> ids;
  ids.reserve(reversed.size());
  bool previous_unknown = false;
  for (std::int32_t id : reversed) {
    if (!(previous_unknown && id == 0)) ids.push_back(id);
    previous_unknown = id == 0;
  }
  return {ids.rbegin(), ids.rend()};
}

}  // namespace ragcache::embed
