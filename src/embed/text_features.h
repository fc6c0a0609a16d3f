// The features the built-in embedder hashes: a pure function from text to weighted string keys,
// kept apart from the hashing so what the embedder "sees" can be read and unit-tested.
//
// Four families, each later normalised to a fixed share of the vector (so the cosine of two
// texts is a weighted mean of four per-family cosines):
//   word   - word unigrams (lower-cased, accents folded, light English stemming), numbers,
//            a NOT token for every negation, currency/percent symbols, relation words tied to
//            the next content word ("from>paris", "to>london"); for CJK text, single
//            characters and character bigrams (which act as words there);
//   phrase - word bigrams in order ("price of", "of bitcoin"), bigrams of consecutive content
//            words skipping stop words ("price bitcoin"); CJK character trigrams;
//   pairs  - unordered pairs of content words at most pair_window apart ("bitcoin+price"),
//            a content word after a relation word carrying it ("from>paris"); for CJK, pairs
//            of nearby character bigrams. One changed word changes many pairs, so a long
//            question that differs in one content word drops further than with words alone;
//   chars  - character 3- to 5-grams of each word with boundary marks ("<pas", "ass", ...),
//            robust to typos and inflection; numbers and NOT as whole tokens; CJK characters.
//
// Weights encode what changes an answer: content words weigh 1, stop words little, question
// words (what/why/how) in between; numbers and negations weigh most, so "price of X" vs
// "price of Y", "2023" vs "2024" and "can I" vs "can't I" end up far apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ragcache::embed {

enum class FeatureFamily : std::uint8_t { word = 0, phrase = 1, chars = 2, pairs = 3 };
inline constexpr std::size_t kFeatureFamilyCount = 4;

struct Feature {
  FeatureFamily family;
  std::string key;  // readable: "w:price", "n:2024", "w:NOT", "p:price|of", "g:<pri", ...
  float weight;
};

struct FeatureWeights {
  float content_word = 1.0f;
  float short_word = 0.5f;      // content words of one or two letters
  float stop_word = 0.15f;      // the, of, is, my, can, ...
  float question_word = 0.5f;   // what, why, how, when, where, who, which
  float number = 2.0f;          // 2024, 3.5, 1000
  float alphanumeric = 1.5f;    // words with digits: gpt4, ipv6, b2b
  float negation = 2.0f;        // not, no, never, n't, without, 不, 没
  float symbol = 1.0f;          // $ € £ ¥ % #
  float cjk_char = 0.3f;        // a single Han/Kana character as a word feature
  float cjk_stop_char = 0.1f;   // 的 了 吗 の は ...
  float cjk_bigram = 1.0f;      // two adjacent CJK characters
  // "from X", "to Y", "before Z": a relation word tied to the next content word, as a word
  // feature, so "from Paris to London" and "from London to Paris" differ. Times that word's weight.
  float relation = 0.7f;
  // Content words at most this many content words apart form a "pairs" feature.
  int pair_window = 5;
};

// Every feature occurrence in `text` (the same key may repeat; the embedder counts repeats).
// A text without letters, digits or symbols yields one feature naming the raw text, so two
// such texts only match when identical. `words_only`: just the word family (exactly the word
// features of a full extraction, in the same order), about four times cheaper.
std::vector<Feature> extract_features(std::string_view text, const FeatureWeights& weights = {},
                                      bool words_only = false);

// Light English stemmer for word keys: plural and common verb endings ("cards" -> "card",
// "charged"/"charging"/"charge" -> "charg"). Exposed for tests.
std::string stem_word(std::string word);

}  // namespace ragcache::embed
