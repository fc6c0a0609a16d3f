// semantic_pair_similarities FILE.jsonl [name=value...]: the built-in embedder's cosine for
// every labelled pair, one "similarity<TAB>label<TAB>q1<TAB>q2" line each, for tuning by hand.
// Settings: dim, word_share, phrase_share, chars_share and every FeatureWeights field.
#include <fstream>
#include <iostream>
#include <sstream>

#include "embed/hashed_ngram_embedder.h"
#include "embed/pair_evaluation.h"
#include "index/vector_math.h"

int main(int argc, char** argv) {
  using namespace ragcache;
  if (argc < 2) {
    std::cerr << "usage: semantic_pair_similarities FILE.jsonl [DIMENSION]\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream buf;
  buf << in.rdbuf();
  auto pairs = embed::parse_pairs_jsonl(buf.str());
  if (!pairs) {
    std::cerr << argv[1] << ": " << pairs.error().message() << "\n";
    return 1;
  }
  embed::HashedNgramOptions opts;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const float v = eq == std::string::npos ? 0.0f : std::stof(arg.substr(eq + 1));
    auto& w = opts.weights;
    if (name == "dim") opts.dimension = static_cast<std::size_t>(v);
    else if (name == "word_share") opts.word_share = v;
    else if (name == "phrase_share") opts.phrase_share = v;
    else if (name == "chars_share") opts.chars_share = v;
    else if (name == "pairs_share") opts.pairs_share = v;
    else if (name == "pair_window") w.pair_window = static_cast<int>(v);
    else if (name == "content_word") w.content_word = v;
    else if (name == "short_word") w.short_word = v;
    else if (name == "stop_word") w.stop_word = v;
    else if (name == "question_word") w.question_word = v;
    else if (name == "number") w.number = v;
    else if (name == "alphanumeric") w.alphanumeric = v;
    else if (name == "negation") w.negation = v;
    else if (name == "symbol") w.symbol = v;
    else if (name == "cjk_char") w.cjk_char = v;
    else if (name == "cjk_stop_char") w.cjk_stop_char = v;
    else if (name == "cjk_bigram") w.cjk_bigram = v;
    else if (name == "relation") w.relation = v;
    else {
      std::cerr << "unknown setting " << name << "\n";
      return 2;
    }
  }
  auto embedder = embed::HashedNgramEmbedder::create(opts).value();
  for (const auto& p : *pairs) {
    const auto a = embedder->embed_text(p.q1), b = embedder->embed_text(p.q2);
    std::cout << index::dot(a, b) << '\t' << (p.same ? 1 : 0) << '\t' << p.q1 << '\t' << p.q2 << '\n';
  }
  return 0;
}
