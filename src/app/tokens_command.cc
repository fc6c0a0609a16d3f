// `ragcache tokens`: token counts of text lines, exactly as OpenAI's tiktoken counts them.
//
//   ragcache tokens --encoding o200k_base < file.txt          one count per input line
//   ragcache tokens --encoding cl100k_base --jsonl < in.jsonl  each line a JSON string
//
// A plain-text line is the bytes up to '\n', without a '\r' right before it (so CRLF files count
// like LF files); use --jsonl for texts that hold newlines or end in '\r'. Invalid UTF-8 is counted
// as U+FFFD per bad sequence (tokens/utf8.h). A line that is not a JSON string in --jsonl mode
// stops the run with a message naming the line and exit status 1. Special-token text
// ("<|endoftext|>") counts as plain text. Rank files are found as tokens/registry.h describes
// (--rank-file, RAGCACHE_TIKTOKEN_DIR, the npm tiktoken package in tools/node).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "app/commands.h"
#include "tokens/json_reader.h"
#include "tokens/registry.h"

namespace ragcache::app {
namespace {

struct TokensOptions {
  std::string encoding;
  std::string rank_file;
  bool jsonl = false;
};

int run_tokens(const TokensOptions& options) {
  auto encoding = tokens::get_encoding(options.encoding, tokens::LoadOptions{options.rank_file});
  if (!encoding) {
    std::cerr << "ragcache tokens: " << encoding.error().message() << "\n";
    return 1;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  std::string out;
  std::size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    std::size_t count = 0;
    if (options.jsonl) {
      const auto text = tokens::decode_json_string(line);
      if (!text) {
        std::cout << out << std::flush;
        std::cerr << "ragcache tokens: line " << line_no
                  << " is not a JSON string (--jsonl expects one per line)\n";
        return 1;
      }
      count = (*encoding)->count(*text);
    } else {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      count = (*encoding)->count(line);
    }
    out += std::to_string(count);
    out += '\n';
    if (out.size() > 64 * 1024) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out << std::flush;
  return std::cout ? 0 : 1;
}

}  // namespace

void add_tokens_command(CLI::App& app) {
  auto options = std::make_shared<TokensOptions>();
  auto* cmd = app.add_subcommand("tokens", "Print the token count of each stdin line (tiktoken-exact)");
  cmd->add_option("--encoding", options->encoding, "Token encoding")
      ->required()
      ->check(CLI::IsMember({"cl100k_base", "o200k_base"}));
  cmd->add_flag("--jsonl", options->jsonl, "Each input line is a JSON string (texts with newlines)");
  cmd->add_option("--rank-file", options->rank_file,
                  "Rank file to use (NAME.tiktoken or the npm package's NAME.json); default: search "
                  "RAGCACHE_TIKTOKEN_DIR, then the npm tiktoken package")
      ->check(CLI::ExistingFile);
  cmd->callback([options] {
    const int rc = run_tokens(*options);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
