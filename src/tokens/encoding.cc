#include "tokens/encoding.h"

#include "tokens/byte_pair.h"
#include "tokens/errors.h"
#include "tokens/utf8.h"

namespace ragcache::tokens {

Result<std::shared_ptr<const Encoding>> Encoding::create(
    std::string name, RankMap ranks, std::string_view pattern,
    std::vector<std::pair<std::string, Rank>> special_tokens) {
  for (int b = 0; b < 256; ++b) {
    const char byte = static_cast<char>(b);
    if (ranks.find(std::string_view(&byte, 1)) == kNoRank) {
      return Error(Errc::rank_file_invalid,
                   name + ": byte " + std::to_string(b) + " has no rank (not a byte-level BPE vocabulary)");
    }
  }
  auto pretokenizer = Pretokenizer::compile(pattern);
  if (!pretokenizer) return pretokenizer.error();
  return std::shared_ptr<const Encoding>(
      new Encoding(std::move(name), std::move(ranks), std::move(*pretokenizer), std::move(special_tokens)));
}

Encoding::Encoding(std::string name, RankMap ranks, Pretokenizer pretokenizer,
                   std::vector<std::pair<std::string, Rank>> special_tokens)
    : name_(std::move(name)),
      ranks_(std::move(ranks)),
      pretokenizer_(std::move(pretokenizer)),
      special_tokens_(std::move(special_tokens)) {}

std::size_t Encoding::count_valid(std::string_view text) const {
  std::size_t total = 0;
  pretokenizer_.for_each_piece(text, [&](std::string_view piece) {
    total += ranks_.find(piece) != kNoRank ? 1 : byte_pair_count(piece, ranks_);
  });
  return total;
}

void Encoding::encode_valid(std::string_view text, std::vector<Rank>& out) const {
  pretokenizer_.for_each_piece(text, [&](std::string_view piece) {
    const Rank whole = ranks_.find(piece);
    if (whole != kNoRank) {
      out.push_back(whole);
    } else {
      byte_pair_encode(piece, ranks_, out);
    }
  });
}

std::size_t Encoding::count(std::string_view text) const {
  if (valid_utf8_prefix(text) == text.size()) return count_valid(text);
  return count_valid(repair_utf8(text));
}

void Encoding::encode(std::string_view text, std::vector<Rank>& out) const {
  if (valid_utf8_prefix(text) == text.size()) {
    encode_valid(text, out);
  } else {
    encode_valid(repair_utf8(text), out);
  }
}

std::vector<Rank> Encoding::encode(std::string_view text) const {
  std::vector<Rank> out;
  out.reserve(text.size() / 3 + 1);
  encode(text, out);
  return out;
}

std::vector<Rank> Encoding::encode_with_special_tokens(std::string_view text) const {
  std::string repaired;
  if (valid_utf8_prefix(text) != text.size()) {
    repaired = repair_utf8(text);
    text = repaired;
  }
  std::vector<Rank> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    // The leftmost special token from pos; the longest one if several start there.
    std::size_t best_at = std::string_view::npos;
    const std::pair<std::string, Rank>* best = nullptr;
    for (const auto& special : special_tokens_) {
      const std::size_t at = text.find(special.first, pos);
      if (at == std::string_view::npos) continue;
      if (at < best_at || (at == best_at && special.first.size() > best->first.size())) {
        best_at = at;
        best = &special;
      }
    }
    if (best == nullptr) {
      encode_valid(text.substr(pos), out);
      break;
    }
    encode_valid(text.substr(pos, best_at - pos), out);
    out.push_back(best->second);
    pos = best_at + best->first.size();
  }
  return out;
}

std::string Encoding::decode(std::span<const Rank> ids) const {
  std::string out;
  for (const Rank id : ids) {
    const std::string_view bytes = ranks_.bytes_of(id);
    if (!bytes.empty()) {
      out.append(bytes);
      continue;
    }
    for (const auto& special : special_tokens_) {
      if (special.second == id) {
        out.append(special.first);
        break;
      }
    }
  }
  return out;
}

}  // namespace ragcache::tokens
