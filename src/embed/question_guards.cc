#include "embed/question_guards.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "embed/char_classes.h"
#include "embed/text_features.h"
#include "tokens/utf8.h"

namespace ragcache::embed {

// UTF-8 is tokens/utf8.h's (the one UTF-8 module); embed keeps only its character classes.
using tokens::decode_utf8;
using tokens::encode_utf8;

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
    {"login", "logout"},       {"start", "stop"},         {"love", "hate"},        {"largest", "smallest"},
    {"biggest", "smallest"},   {"longest", "shortest"},   {"start", "end"},         {"begin", "end"},
    {"on", "off"},             {"install", "uninstall"},  {"include", "exclude"},   {"lock", "unlock"},
    {"connect", "disconnect"}, {"subscribe", "unsubscribe"}, {"encrypt", "decrypt"}, {"deposit", "withdraw"},
    {"arrival", "departure"},  {"arrive", "depart"},      {"credit", "debit"},      {"income", "expense"},
    {"ascending", "descending"}, {"today", "tomorrow"},   {"yesterday", "today"},   {"push", "pull"},
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

// Number words as the digits they stand for ("three" = "3"), ordinals as "<n>th", keyed as the
// questions' words are (stemmed). "one" is left out: far more often a pronoun ("which one").
const std::unordered_map<std::string, std::string>& spelled_numbers() {
  static const auto table = [] {
    static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
        {"two", "2"},       {"three", "3"},      {"four", "4"},      {"five", "5"},        {"six", "6"},
        {"seven", "7"},     {"eight", "8"},      {"nine", "9"},      {"ten", "10"},        {"eleven", "11"},
        {"twelve", "12"},   {"twenty", "20"},    {"thirty", "30"},   {"fifty", "50"},      {"hundred", "100"},
        {"thousand", "1000"}, {"million", "1000000"}, {"billion", "1000000000"},
        {"first", "1th"},   {"second", "2th"},   {"third", "3th"},   {"fourth", "4th"},    {"fifth", "5th"},
        {"sixth", "6th"},   {"seventh", "7th"},  {"eighth", "8th"},  {"ninth", "9th"},     {"tenth", "10th"},
        {"half", "0.5"},    {"twice", "2x"},     {"double", "2x"},   {"triple", "3x"}};
    std::unordered_map<std::string, std::string> out;
    for (const auto& [word, value] : kWords) out.emplace(stem_word(std::string(word)), value);
    return out;
  }();
  return table;
}

bool has_digit(std::string_view key) {
  return std::any_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Letters of a script the neural model was not trained on (it reads English): CJK, Cyrillic,
// Greek, Arabic, Hebrew, ... versus Latin letters.
bool mostly_non_latin(std::string_view question) {
  std::size_t latin = 0, other = 0;
  for (char32_t c : decode_utf8(question)) {
    if (!is_letter(c)) continue;
    (c < 0x250 ? latin : other) += 1;
  }
  return other > latin;
}

// Numbers written with digits must match. Spelled-out ones ("three" = "3") and words with
// digits count as numbers too, except where only one question has numbers at all and they are
// all of that softer kind: "two-factor" is one word, "two factor" two, so one side may lack them.
bool numbers_differ(const QuestionFacts& a, const QuestionFacts& b) {
  auto all = [](const QuestionFacts& f) {
    std::vector<std::string> v = f.numbers;
    v.insert(v.end(), f.soft_numbers.begin(), f.soft_numbers.end());
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto na = all(a), nb = all(b);
  if (na == nb) return false;
  const bool one_sided_soft = (na.empty() && b.numbers.empty()) || (nb.empty() && a.numbers.empty());
  return !one_sided_soft;
}

// The directional relations of a question ("from>new", "to>chicago"): relation words whose
// objects cannot trade places ("between A and B" = "between B and A", so "between" is not here).
std::set<std::string> directional(const std::unordered_set<std::string>& relations) {
  static constexpr std::string_view kDirectional[] = {"from>", "to>", "into>", "onto>", "for>", "than>"};
  std::set<std::string> out;
  for (const auto& r : relations) {
    for (auto d : kDirectional) {
      if (r.starts_with(d)) out.insert(r);
    }
  }
  return out;
}

std::set<std::string> relation_words(const std::set<std::string>& relations) {
  std::set<std::string> out;
  for (const auto& r : relations) out.insert(r.substr(0, r.find('>')));
  return out;
}

// The same words, the same relation words, but attached to other words: "from New York to
// Chicago" / "from Chicago to New York", "a string to an integer" / "an integer to a string".
bool swapped_roles(const QuestionFacts& a, const QuestionFacts& b) {
  const auto ra = directional(a.relations), rb = directional(b.relations);
  return ra != rb && relation_words(ra) == relation_words(rb);
}

}  // namespace

QuestionFacts question_facts(std::string_view question) {
  QuestionFacts facts;
  for (const auto& f : extract_features(question, {}, /*words_only=*/true)) {
    if (f.key.starts_with("n:")) {
      facts.numbers.push_back(f.key.substr(2));
    } else if (f.key == "w:NOT") {
      ++facts.negations;
    } else if (f.key.starts_with("r:")) {
      facts.relations.insert(f.key.substr(2));
    } else if (f.key.starts_with("w:")) {
      const std::string key = f.key.substr(2);
      if (has_digit(key)) facts.soft_numbers.push_back(key);  // "7pm", "gpt4", "2fa"
      if (auto n = spelled_numbers().find(key); n != spelled_numbers().end()) facts.soft_numbers.push_back(n->second);
      facts.words.insert(key);
    }
  }
  std::sort(facts.numbers.begin(), facts.numbers.end());
  std::sort(facts.soft_numbers.begin(), facts.soft_numbers.end());
  facts.names = capitalised_words(question);
  facts.non_latin = mostly_non_latin(question);
  return facts;
}

GuardVeto compare_questions(const QuestionFacts& a, const QuestionFacts& b) {
  if (numbers_differ(a, b)) return GuardVeto::numbers;
  if (a.negations % 2 != b.negations % 2) return GuardVeto::negation;
  // A name counts when it is one of its own question's words (a capitalised "Not" is a negation,
  // checked above) and missing from the other's.
  auto missing_name = [](const QuestionFacts& x, const QuestionFacts& y) {
    return std::any_of(x.names.begin(), x.names.end(),
                       [&](const std::string& n) { return x.words.contains(n) && !y.words.contains(n); });
  };
  if (missing_name(a, b) || missing_name(b, a)) return GuardVeto::names;
  if (swapped_opposites(a, b)) return GuardVeto::opposites;
  if (a.words == b.words && swapped_roles(a, b)) return GuardVeto::direction;
  return GuardVeto::none;
}

std::string_view guard_name(GuardVeto veto) {
  switch (veto) {
    case GuardVeto::none: return "none";
    case GuardVeto::numbers: return "numbers";
    case GuardVeto::negation: return "negation";
    case GuardVeto::names: return "names";
    case GuardVeto::opposites: return "opposites";
    case GuardVeto::direction: return "direction";
  }
  return "none";
}

}  // namespace ragcache::embed
