#include "embed/question_guards.h"

#include <algorithm>

#include "embed/text_features.h"
#include "embed/utf8.h"

namespace ragcache::embed {
namespace {

bool is_upper(char32_t c) { return is_letter(c) && fold(c) != c && !is_cjk(c); }

bool ends_sentence(char32_t c) { return c == '.' || c == '?' || c == '!' || c == ':' || c == '"' || c == '('; }

// The key text_features gives a word: folded, the part after an apostrophe dropped, stemmed
// (words with digits are kept whole).
std::string word_key(std::u32string word) {
  if (auto apos = word.find_first_of(U"'\u2019"); apos != std::u32string::npos) word.resize(apos);
  bool digit = false;
  for (char32_t& c : word) {
    c = fold(c);
    digit = digit || is_digit(c);
  }
  std::erase(word, U'-');
  std::string utf8 = encode_utf8(word);
  return digit ? utf8 : stem_word(std::move(utf8));
}

// Capitalised words that do not start a sentence (and are longer than one letter).
std::vector<std::string> capitalised_words(std::string_view question) {
  const std::u32string text = decode_utf8(question);
  std::vector<std::string> out;
  bool sentence_start = true;
  std::size_t i = 0;
  while (i < text.size()) {
    const char32_t c = text[i];
    if (!is_letter(c) && !is_digit(c)) {
      if (ends_sentence(c)) sentence_start = true;
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < text.size() && (is_letter(text[j]) || is_digit(text[j]) ||
                               ((text[j] == '\'' || text[j] == 0x2019 || text[j] == '-') && j + 1 < text.size() &&
                                is_letter(text[j + 1])))) {
      ++j;
    }
    if (!sentence_start && is_upper(c) && j - i > 1) out.push_back(word_key(text.substr(i, j - i)));
    sentence_start = false;
    i = j;
  }
  return out;
}

// Words whose swap for the other of their pair turns a question into another one. Only pairs
// that are opposites in (nearly) every sense: "on/off", "old/new" or "good/bad" are not here.
constexpr std::pair<std::string_view, std::string_view> kOpposites[] = {
    {"before", "after"},       {"above", "below"},        {"increase", "decrease"}, {"buy", "sell"},
    {"import", "export"},      {"upload", "download"},    {"send", "receive"},      {"enable", "disable"},
    {"maximum", "minimum"},    {"max", "min"},            {"highest", "lowest"},    {"higher", "lower"},
    {"best", "worst"},         {"first", "last"},         {"cheap", "expensive"},   {"cheapest", "expensive"},
    {"male", "female"},        {"men", "women"},          {"husband", "wife"},      {"boyfriend", "girlfriend"},
    {"advantage", "disadvantage"}, {"pros", "cons"},      {"win", "lose"},          {"gain", "loss"},
    {"inside", "outside"},     {"input", "output"},       {"positive", "negative"}, {"accept", "reject"},
    {"allow", "deny"},         {"legal", "illegal"},      {"public", "private"},    {"north", "south"},
    {"east", "west"},          {"hot", "cold"},           {"success", "failure"},   {"earlier", "later"},
    {"login", "logout"},       {"start", "stop"},         {"love", "hate"},
};

// kOpposites as word keys (stemmed as the questions' words are).
const std::vector<std::pair<std::string, std::string>>& opposite_keys() {
  static const auto keys = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [x, y] : kOpposites) out.emplace_back(stem_word(std::string(x)), stem_word(std::string(y)));
    return out;
  }();
  return keys;
}

bool swapped_opposites(const QuestionFacts& a, const QuestionFacts& b) {
  for (const auto& [kx, ky] : opposite_keys()) {
    const bool a_x = a.words.contains(kx), a_y = a.words.contains(ky);
    const bool b_x = b.words.contains(kx), b_y = b.words.contains(ky);
    if ((a_x && !a_y && b_y && !b_x) || (a_y && !a_x && b_x && !b_y)) return true;
  }
  return false;
}

}  // namespace

QuestionFacts question_facts(std::string_view question) {
  QuestionFacts facts;
  for (const auto& f : extract_features(question, {}, /*words_only=*/true)) {
    if (f.key.starts_with("n:")) {
      facts.numbers.push_back(f.key.substr(2));
    } else if (f.key == "w:NOT") {
      ++facts.negations;
    } else if (f.key.starts_with("w:")) {
      facts.words.insert(f.key.substr(2));
    }
  }
  std::sort(facts.numbers.begin(), facts.numbers.end());
  facts.names = capitalised_words(question);
  return facts;
}

GuardVeto compare_questions(const QuestionFacts& a, const QuestionFacts& b) {
  if (a.numbers != b.numbers) return GuardVeto::numbers;
  if (a.negations % 2 != b.negations % 2) return GuardVeto::negation;
  // A name counts when it is one of its own question's words (a capitalised "Not" is a negation,
  // checked above) and missing from the other's.
  auto missing_name = [](const QuestionFacts& x, const QuestionFacts& y) {
    return std::any_of(x.names.begin(), x.names.end(),
                       [&](const std::string& n) { return x.words.contains(n) && !y.words.contains(n); });
  };
  if (missing_name(a, b) || missing_name(b, a)) return GuardVeto::names;
  if (swapped_opposites(a, b)) return GuardVeto::opposites;
  return GuardVeto::none;
}

std::string_view guard_name(GuardVeto veto) {
  switch (veto) {
    case GuardVeto::none: return "none";
    case GuardVeto::numbers: return "numbers";
    case GuardVeto::negation: return "negation";
    case GuardVeto::names: return "names";
    case GuardVeto::opposites: return "opposites";
  }
  return "none";
}

}  // namespace ragcache::embed
