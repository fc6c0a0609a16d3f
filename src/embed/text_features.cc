#include "embed/text_features.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "embed/char_classes.h"
#include "tokens/utf8.h"

namespace ragcache::embed {
namespace {

using tokens::decode_utf8;
using tokens::encode_utf8;
using WordSet = std::unordered_set<std::string_view>;

const WordSet& stop_words() {
  // Function words whose change rarely changes the answer. Deliberately NOT here: negations,
  // question words, and words of direction/order/amount (before, after, more, less, up, down,
  // first, last, from/to are kept low but are visible through phrase bigrams).
  static const WordSet words{
      "a", "an", "the", "of", "to", "in", "on", "at", "for", "from", "by", "with", "about", "as",
      "into", "onto", "and", "or", "but", "if", "then", "so", "than", "that", "this", "these",
      "those", "there", "here", "is", "are", "was", "were", "be", "been", "being", "am", "do",
      "does", "did", "doing", "done", "have", "has", "had", "having", "i", "me", "my", "mine",
      "myself", "you", "your", "yours", "we", "us", "our", "ours", "he", "him", "his", "she",
      "her", "it", "its", "they", "them", "their", "can", "could", "would", "should", "will",
      "shall", "may", "might", "must", "please", "just", "also", "very", "really", "some", "any",
      "get", "got", "s", "t", "d", "ll", "m", "re", "ve", "im", "id", "ive", "want", "wanna",
      "need", "like", "know", "tell", "let", "lets", "way", "possible", "able", "one", "hi",
      "hello", "hey", "thanks", "thank", "ok", "okay", "yes", "anyone", "someone", "something",
      "anything", "go", "going", "using", "still", "already", "even", "much", "many", "there's",
      "what's", "it's", "i'm", "kind", "sort", "etc", "via", "per"};
  return words;
}

const WordSet& question_words() {
  static const WordSet words{"what", "why", "how", "when", "where", "who", "whom", "whose", "which"};
  return words;
}

const WordSet& negation_words() {
  static const WordSet words{"not", "no", "never", "none", "nothing", "nobody", "nowhere",
                             "neither", "nor", "without", "cannot"};
  return words;
}

// Negative contractions written without the apostrophe ("dont") and their positive base.
std::string_view unapostrophised_negation(std::string_view w) {
  static const std::pair<std::string_view, std::string_view> table[] = {
      {"dont", "do"},       {"doesnt", "does"}, {"didnt", "did"},     {"isnt", "is"},
      {"arent", "are"},     {"wasnt", "was"},   {"werent", "were"},   {"cant", "can"},
      {"couldnt", "could"}, {"wouldnt", "would"}, {"shouldnt", "should"}, {"wont", "will"},
      {"havent", "have"},   {"hasnt", "has"},   {"hadnt", "had"},     {"aint", "is"},
      {"mustnt", "must"},   {"neednt", "need"}};
  for (const auto& [neg, base] : table) {
    if (w == neg) return base;
  }
  return {};
}

// Words that give the next content word a role: swapping their objects changes the question.
const WordSet& relation_words() {
  static const WordSet words{"from", "to", "into", "onto", "for", "than", "vs", "versus", "before",
                             "after", "over", "under", "within", "between", "per", "via", "by"};
  return words;
}

bool is_cjk_stop_char(char32_t c) {
  static constexpr std::u32string_view kStop =
      U"的了吗嗎呢吧啊呀么麼是在和与與及也就都而着著过過个個这這那我你他她它们們请請"
      U"のはがをにでとももかねよへやなだです";
  return kStop.find(c) != std::u32string_view::npos;
}

bool is_cjk_negation(char32_t c) {
  static constexpr std::u32string_view kNeg = U"不没沒未别別无無非否勿莫";
  return kNeg.find(c) != std::u32string_view::npos;
}

bool is_cjk_numeral(char32_t c) {
  static constexpr std::u32string_view kNum = U"零〇一二两兩三四五六七八九十百千万萬亿億";
  return kNum.find(c) != std::u32string_view::npos;
}

std::string_view symbol_key(char32_t c) {
  switch (c) {
    case '$': return "$";
    case 0x20AC: return "eur-sign";
    case 0xA3: return "gbp-sign";
    case 0xA5: return "yen-sign";
    case '%': return "percent";
    case '#': return "#";
    case '+': return "+";
    default: return {};
  }
}

enum class Kind { word, number, negation, symbol };

struct Token {
  Kind kind;
  std::string key;        // the word-family key without prefix
  std::u32string surface;  // folded letters, for character n-grams (words only)
  float weight;
  bool content;  // counts for content bigrams
};

// "1,000.50" -> "1000.5"; "007" -> "7".
std::string normalise_number(std::u32string_view run) {
  std::string digits;
  for (std::size_t i = 0; i < run.size(); ++i) {
    if (run[i] == ',') continue;  // thousands separator (only ever between digits here)
    digits.push_back(static_cast<char>(run[i]));
  }
  if (auto dot = digits.find('.'); dot != std::string::npos && digits.find('.', dot + 1) == std::string::npos) {
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    if (!digits.empty() && digits.back() == '.') digits.pop_back();
  }
  std::size_t lead = 0;
  while (lead + 1 < digits.size() && digits[lead] == '0' && digits[lead + 1] != '.') ++lead;
  return digits.substr(lead);
}

class Tokenizer {
 public:
  Tokenizer(const FeatureWeights& w, std::vector<Feature>& out, bool words_only)
      : w_(w), out_(out), words_only_(words_only) {}

  void run(std::u32string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      const char32_t c = text[i];
      if (is_cjk(c)) {
        std::size_t j = i;
        while (j < text.size() && is_cjk(text[j])) ++j;
        end_segment();
        emit_cjk(text.substr(i, j - i));
        i = j;
      } else if (is_letter(c) || is_digit(c)) {
        std::size_t j = i + 1;
        while (j < text.size()) {
          const char32_t d = text[j];
          if (is_letter(d) || is_digit(d)) {
            ++j;
          } else if (j + 1 < text.size() && d == '-' && is_letter(text[j - 1]) && is_letter(text[j + 1])) {
            // "e-mail", "wi-fi": joined, as they are as often written without the hyphen.
            ++j;
          } else if (j + 1 < text.size() && ((d == '\'' && is_letter(text[j - 1]) && is_letter(text[j + 1])) ||
                                             ((d == '.' || d == ',') && is_digit(text[j - 1]) && is_digit(text[j + 1])))) {
            j += 2;
          } else {
            break;
          }
        }
        std::u32string run(text.substr(i, j - i));
        std::erase(run, U'-');
        add_run(run);
        i = j;
      } else if (auto sym = symbol_key(c); !sym.empty()) {
        push(Token{Kind::symbol, std::string(sym), {}, w_.symbol, true});
        ++i;
      } else {
        ++i;  // punctuation and spaces only separate tokens
      }
    }
    end_segment();
  }

 private:
  void add_run(std::u32string_view run) {
    const bool has_letter = std::any_of(run.begin(), run.end(), [](char32_t c) { return is_letter(c); });
    if (!has_letter) {
      push(Token{Kind::number, normalise_number(run), {}, w_.number, true});
      return;
    }
    const bool has_digit = std::any_of(run.begin(), run.end(), [](char32_t c) { return is_digit(c); });
    std::u32string word(run);
    // Contractions: "can't" -> can + NOT, "won't" -> will + NOT, "it's" -> it.
    if (auto apos = word.find('\''); apos != std::u32string::npos) {
      std::u32string suffix = word.substr(apos + 1);
      word.resize(apos);
      if (suffix == U"t" && !word.empty() && word.back() == 'n') {
        word.pop_back();
        if (word == U"ca") word = U"can";
        else if (word == U"wo") word = U"will";
        else if (word == U"sha") word = U"shall";
        else if (word == U"ai") word = U"is";
        add_word(word, false);
        push_negation();
        return;
      }
      add_word(word, false);
      return;
    }
    add_word(word, has_digit);
  }

  void add_word(const std::u32string& word, bool has_digit) {
    std::string utf8 = encode_utf8(word);
    if (negation_words().contains(utf8)) {
      if (utf8 == "cannot") add_word(U"can", false);
      push_negation();
      return;
    }
    if (auto base = unapostrophised_negation(utf8); !base.empty()) {
      add_word(decode_utf8(base), false);
      push_negation();
      return;
    }
    float weight = w_.content_word;
    bool content = true;
    if (stop_words().contains(utf8)) {
      weight = w_.stop_word;
      content = false;
    } else if (question_words().contains(utf8)) {
      weight = w_.question_word;
      content = false;
    } else if (has_digit) {
      weight = w_.alphanumeric;
    } else if (word.size() <= 2) {
      weight = w_.short_word;
    }
    std::string key = has_digit ? utf8 : stem_word(utf8);
    push(Token{Kind::word, std::move(key), word, weight, content});
  }

  void push_negation() { push(Token{Kind::negation, "NOT", {}, w_.negation, true}); }

  void push(Token t) {
    switch (t.kind) {
      case Kind::word:
        emit(FeatureFamily::word, "w:" + t.key, t.weight);
        emit_char_ngrams(t.surface, t.weight);
        break;
      case Kind::number:
        emit(FeatureFamily::word, "n:" + t.key, t.weight);
        emit(FeatureFamily::chars, "g:#" + t.key, t.weight);
        break;
      case Kind::negation:
      case Kind::symbol:
        emit(FeatureFamily::word, "w:" + t.key, t.weight);
        emit(FeatureFamily::chars, "g:" + t.key, t.weight);
        break;
    }
    segment_.push_back(std::move(t));
  }

  void emit(FeatureFamily f, std::string key, float weight) {
    if (words_only_ && f != FeatureFamily::word) return;
    out_.push_back({f, std::move(key), weight});
  }

  void emit_char_ngrams(const std::u32string& surface, float weight) {
    if (words_only_) return;  // the costliest family: skipped before its strings are built
    std::u32string padded;
    padded.reserve(surface.size() + 2);
    padded.push_back('<');
    padded += surface;
    padded.push_back('>');
    std::vector<std::string> grams;
    if (padded.size() <= 3) {
      grams.push_back(encode_utf8(padded));
    } else {
      for (std::size_t n = 3; n <= 5; ++n) {
        for (std::size_t i = 0; i + n <= padded.size(); ++i) {
          grams.push_back(encode_utf8(std::u32string_view(padded).substr(i, n)));
        }
      }
    }
    // A word's n-grams share its weight, so long words do not outweigh short ones.
    const float each = weight / std::sqrt(static_cast<float>(grams.size()));
    for (auto& g : grams) emit(FeatureFamily::chars, "g:" + g, each);
  }

  // Phrase features of the run of words just finished (CJK text or the end breaks runs).
  void end_segment() {
    for (std::size_t i = 0; !words_only_ && i + 1 < segment_.size(); ++i) {
      const Token& a = segment_[i];
      const Token& b = segment_[i + 1];
      emit(FeatureFamily::phrase, "p:" + a.key + "|" + b.key, std::sqrt(a.weight * b.weight));
    }
    // Each content word with the relation word before it, if any ("from>paris"): pairs and
    // content bigrams use these keys, so swapping the objects of "from" and "to" changes them.
    // Only after a content word: "transfer money to X" is a relation, "how to X" is not.
    // Relation words that are content words themselves ("before", "after") stay in the list.
    std::vector<std::pair<std::string, float>> content;
    std::string relation;
    bool after_content = false;
    for (const Token& t : segment_) {
      if (t.content) {
        if (!relation.empty()) {
          emit(FeatureFamily::word, "r:" + relation + ">" + t.key, w_.relation * t.weight);
          content.emplace_back(relation + ">" + t.key, t.weight);
          relation.clear();
        } else {
          content.emplace_back(t.key, t.weight);
        }
      }
      if (t.kind == Kind::word && after_content && relation_words().contains(encode_utf8(t.surface))) {
        relation = t.key;
      }
      after_content = t.content;
    }
    for (std::size_t i = 0; !words_only_ && i < content.size(); ++i) {
      if (i + 1 < content.size()) {
        emit(FeatureFamily::phrase, "s:" + content[i].first + "|" + content[i + 1].first,
             std::sqrt(content[i].second * content[i + 1].second));
      }
      for (std::size_t j = i + 1; j < content.size() && j <= i + static_cast<std::size_t>(w_.pair_window); ++j) {
        const std::string& a = std::min(content[i].first, content[j].first);
        const std::string& b = std::max(content[i].first, content[j].first);
        emit(FeatureFamily::pairs, "u:" + a + "+" + b, std::sqrt(content[i].second * content[j].second));
      }
    }
    segment_.clear();
  }

  void emit_cjk(std::u32string_view run) {
    auto char_weight = [&](char32_t c) {
      if (is_cjk_numeral(c)) return w_.number;
      return is_cjk_stop_char(c) ? w_.cjk_stop_char : w_.cjk_char;
    };
    for (std::size_t i = 0; i < run.size(); ++i) {
      const std::string ch = encode_utf8(run.substr(i, 1));
      const float cw = char_weight(run[i]);
      emit(FeatureFamily::word, "c1:" + ch, cw);
      // In the character family a CJK character plays the role a whole word plays elsewhere.
      emit(FeatureFamily::chars, "g:" + ch, cw / w_.cjk_char);
      if (is_cjk_negation(run[i])) {
        emit(FeatureFamily::word, "w:NOT", w_.negation);
        emit(FeatureFamily::chars, "g:NOT", w_.negation);
      }
      if (i + 1 < run.size()) {
        const int stops = is_cjk_stop_char(run[i]) + is_cjk_stop_char(run[i + 1]);
        const float bw = stops == 0 ? w_.cjk_bigram : stops == 1 ? 3 * w_.cjk_stop_char : w_.cjk_stop_char;
        emit(FeatureFamily::word, "c2:" + encode_utf8(run.substr(i, 2)), bw);
      }
      if (i + 2 < run.size()) {
        emit(FeatureFamily::phrase, "c3:" + encode_utf8(run.substr(i, 3)), w_.cjk_bigram);
      }
    }
    // Bigrams across dropped particles ("今天的天气" also gives "天天" like "今天天气"), and
    // pairs of nearby content characters.
    std::u32string content;
    for (char32_t c : run) {
      if (!is_cjk_stop_char(c)) content.push_back(c);
    }
    for (std::size_t i = 0; i + 1 < content.size(); ++i) {
      if (content.find(content.substr(i, 2)) == i && run.find(content.substr(i, 2)) == std::u32string::npos) {
        emit(FeatureFamily::word, "c2:" + encode_utf8(content.substr(i, 2)), w_.cjk_bigram);
      }
    }
    // Pairs of non-overlapping content bigrams close to each other: the CJK counterpart of
    // word pairs (one changed or added word touches many of them).
    const std::size_t window = static_cast<std::size_t>(std::max(w_.pair_window, 0)) + 1;
    for (std::size_t i = 0; !words_only_ && i + 1 < content.size(); ++i) {
      for (std::size_t j = i + 2; j + 1 < content.size() && j <= i + window; ++j) {
        std::string a = encode_utf8(content.substr(i, 2)), b = encode_utf8(content.substr(j, 2));
        if (b < a) std::swap(a, b);
        emit(FeatureFamily::pairs, "u:" + a + "+" + b, w_.cjk_bigram);
      }
    }
  }

  const FeatureWeights& w_;
  std::vector<Feature>& out_;
  const bool words_only_;
  std::vector<Token> segment_;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string stem_word(std::string w) {
  // Only ASCII words are stemmed; other scripts rely on character n-grams.
  if (!std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return w;
  if (w.size() > 4 && ends_with(w, "ies")) {
    w.resize(w.size() - 3);
    w += 'y';
  } else if (w.size() > 4 && ends_with(w, "sses")) {
    w.resize(w.size() - 2);
  } else if (w.size() > 3 && w.back() == 's' && !ends_with(w, "ss") && !ends_with(w, "us") &&
             !ends_with(w, "is")) {
    w.pop_back();
  }
  if (w.size() > 5 && ends_with(w, "ing")) {
    w.resize(w.size() - 3);
  } else if (w.size() > 4 && ends_with(w, "ed")) {
    w.resize(w.size() - 2);
  }
  if (w.size() > 3 && w.back() == 'e') w.pop_back();
  return w;
}

std::vector<Feature> extract_features(std::string_view text, const FeatureWeights& weights, bool words_only) {
  std::u32string folded = decode_utf8(text);
  for (char32_t& c : folded) c = fold(c);
  std::vector<Feature> out;
  Tokenizer(weights, out, words_only).run(folded);
  if (out.empty()) out.push_back({FeatureFamily::word, "raw:" + std::string(text), 1.0f});
  return out;
}

}  // namespace ragcache::embed
