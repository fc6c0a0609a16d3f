// Writes the benchmark corpus (testdata/corpus.h, the same texts the oracle tests use) as one
// hex-encoded text per line, for the Node side of bench/tokens/run.sh.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tokens/testdata/corpus.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: tokens_bench_corpus <lines> <output file>\n";
    return 2;
  }
  const long lines = std::atol(argv[1]);
  if (lines <= 0) {
    std::cerr << "lines must be a positive number\n";
    return 2;
  }
  std::ofstream out(argv[2], std::ios::binary);
  for (const auto& text : ragcache::tokens::testdata::make_corpus(static_cast<std::size_t>(lines))) {
    out << ragcache::tokens::testdata::to_hex(text) << '\n';
  }
  return out ? 0 : 1;
}
