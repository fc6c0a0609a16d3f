#include "tokens/rank_file.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "tokens/errors.h"
#include "tokens/json_reader.h"

namespace ragcache::tokens {
namespace {

Error invalid(std::string_view source, std::size_t line, std::string_view what) {
  return Error(Errc::rank_file_invalid,
               std::string(source) + ":" + std::to_string(line) + ": " + std::string(what));
}

bool parse_rank(std::string_view text, Rank& out) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value >= kNoRank) return false;
  out = static_cast<Rank>(value);
  return true;
}

// Splits off the next space-separated field of `rest`.
std::string_view next_field(std::string_view& rest) {
  const std::size_t space = rest.find(' ');
  std::string_view field = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  return field;
}

// Both line forms: "<b64> <rank>" and "! <first rank> <b64> <b64> ...".
Result<void> parse_rank_lines(std::string_view text, std::string_view source, RankMap& ranks) {
  std::string bytes;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::string_view rest = line;
    const std::string_view first = next_field(rest);
    if (first == "!") {
      Rank rank = 0;
      if (!parse_rank(next_field(rest), rank)) return invalid(source, line_no, "bad first rank after '!'");
      while (!rest.empty()) {
        const std::string_view token = next_field(rest);
        if (!decode_base64(token, bytes)) return invalid(source, line_no, "bad base64 token");
        if (rank == kNoRank - 1 || !ranks.insert(bytes, rank)) {
          return invalid(source, line_no, "duplicate, empty or oversized token");
        }
        ++rank;
      }
      continue;
    }
    Rank rank = 0;
    if (!parse_rank(next_field(rest), rank) || !rest.empty()) {
      return invalid(source, line_no, "expected \"<base64 token> <rank>\"");
    }
    if (!decode_base64(first, bytes)) return invalid(source, line_no, "bad base64 token");
    if (!ranks.insert(bytes, rank)) return invalid(source, line_no, "duplicate, empty or oversized token");
  }
  if (ranks.size() == 0) return invalid(source, line_no, "no tokens");
  return {};
}

Result<RankFileData> parse_json_encoder(std::string_view contents, std::string_view source) {
  RankFileData data;
  JsonReader reader(contents);
  auto bad = [&](std::string_view what) {
    return Error(Errc::rank_file_invalid, std::string(source) + ": byte " +
                                              std::to_string(reader.position()) + ": " + std::string(what));
  };
  if (!reader.consume('{')) return bad("expected a JSON object");
  bool have_ranks = false;
  if (!reader.consume('}')) {
    do {
      std::string key;
      if (!reader.read_string(key) || !reader.consume(':')) return bad("expected \"key\":");
      if (key == "pat_str") {
        std::string pattern;
        if (!reader.read_string(pattern)) return bad("pat_str must be a string");
        data.pattern = std::move(pattern);
      } else if (key == "special_tokens") {
        if (!reader.consume('{')) return bad("special_tokens must be an object");
        if (!reader.consume('}')) {
          do {
            std::string name;
            std::uint64_t rank = 0;
            if (!reader.read_string(name) || !reader.consume(':') || !reader.read_unsigned(rank) ||
                rank >= kNoRank) {
              return bad("special_tokens must map strings to ranks");
            }
            data.special_tokens.emplace_back(std::move(name), static_cast<Rank>(rank));
          } while (reader.consume(','));
          if (!reader.consume('}')) return bad("unterminated special_tokens");
        }
      } else if (key == "bpe_ranks") {
        std::string ranks;
        if (!reader.read_string(ranks)) return bad("bpe_ranks must be a string");
        auto parsed = parse_rank_lines(ranks, std::string(source) + " (bpe_ranks)", data.ranks);
        if (!parsed) return parsed.error();
        have_ranks = true;
      } else if (!reader.skip_value()) {
        return bad("malformed value");
      }
    } while (reader.consume(','));
    if (!reader.consume('}')) return bad("expected ',' or '}'");
  }
  if (!reader.at_end()) return bad("trailing data after the object");
  if (!have_ranks) return bad("no \"bpe_ranks\"");
  return data;
}

}  // namespace

Result<RankFileData> parse_rank_file(std::string_view contents, std::string_view source) {
  const std::size_t first = contents.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && contents[first] == '{') return parse_json_encoder(contents, source);
  RankFileData data;
  auto parsed = parse_rank_lines(contents, source, data.ranks);
  if (!parsed) return parsed.error();
  return data;
}

Result<RankFileData> load_rank_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Errc::rank_file_missing, "cannot open " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return Error(Errc::rank_file_missing, "cannot read " + path);
  return parse_rank_file(contents.str(), path);
}

}  // namespace ragcache::tokens
