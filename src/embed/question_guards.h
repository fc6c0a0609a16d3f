// Question guards: facts of a question that, when two questions disagree on them, mean the
// answer of one does not serve the other however alike the two read. The built-in decision
// rule (hit_rule.h) vetoes a semantic hit when any of them differs; embeddings, the neural one
// above all, barely see these differences.
//   numbers   - the numbers, as a multiset ("2023" vs "2024", "3 kids" vs "4 kids"), normalised
//               as the lexical features do ("1,000.50" = "1000.5"); spelled out ("three" = "3",
//               "second" = "2th"; not "one", mostly a pronoun) and in words with digits ("7pm")
//               too, unless only one question has numbers and all of them are of these kinds;
//   negations - whether the question is negated: the parity of its negations ("not", "never",
//               "can't", "without", 不, ...), so "is it open?" and "is it not open?" differ;
//   names     - capitalised words inside a sentence (names, places, products, acronyms) that the
//               other question does not contain in any case or inflection: "hotels in Gwalior"
//               vs "hotels in Jaipur", "Python or Java" vs "Python or Ruby". The first word of a
//               sentence (also after an abbreviation's dot) and one-letter words do not count;
//   opposites - one question has a word and the other its opposite instead ("after" / "before",
//               "buy" / "sell", "maximum" / "minimum", "upload" / "download": a fixed list of
//               unambiguous pairs), which embeddings rate as nearly the same question;
//   direction - the same words with their roles swapped: "from New York to Chicago" vs "from
//               Chicago to New York", "convert a string to an integer" vs "an integer to a string".
// Words are compared as the lexical features key them (text_features.h: case and accents
// folded, light stemming), so "Gmail" matches "gmail" and "Apple's" matches "apple".
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ragcache::embed {

struct QuestionFacts {
  std::vector<std::string> numbers;       // written with digits, sorted
  std::vector<std::string> soft_numbers;  // spelled out ("3", "2th") or words with digits ("7pm"), sorted
  int negations = 0;
  std::vector<std::string> names;     // word keys of the capitalised words
  std::unordered_set<std::string> words;      // every word key of the question
  std::unordered_set<std::string> relations;  // "from>paris", "to>london": a word and its role
  bool non_latin = false;  // mostly letters of another script than Latin (see HitRule)
};

enum class GuardVeto { none, numbers, negation, names, opposites, direction };

QuestionFacts question_facts(std::string_view question);

// The first guard on which `a` and `b` disagree, or none. Symmetric.
GuardVeto compare_questions(const QuestionFacts& a, const QuestionFacts& b);

std::string_view guard_name(GuardVeto veto);

}  // namespace ragcache::embed
