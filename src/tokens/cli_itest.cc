// `ragcache tokens` end to end: the built executable reads lines from stdin and prints one count
// per line, equal to Encoding::count; --jsonl decodes JSON strings; bad arguments exit non-zero.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"
#include "tokens/registry.h"

namespace ragcache::tokens {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `ragcache <args>` with `input` on stdin (and `env` assignments before it), through sh for
// the redirections.
CliRun run_ragcache(const std::string& args, const std::string& input, const std::string& env = "") {
  std::string dir_name = "ragcache_tokens_cli_";
  dir_name += std::to_string(::getpid());
  const fs::path dir = fs::temp_directory_path() / dir_name;
  fs::create_directories(dir);
  std::ofstream(dir / "in.txt", std::ios::binary) << input;
  auto quoted = [](const fs::path& p) {
    std::string q(1, '\'');
    q += p.string();
    q += '\'';
    return q;
  };
  std::string command = env;
  command += ' ';
  command += quoted(testing::ragcache_binary());
  command += ' ' + args + " < " + quoted(dir / "in.txt") + " > " + quoted(dir / "out.txt") + " 2> " +
             quoted(dir / "err.txt") + "; echo $? > " + quoted(dir / "rc.txt");
  testing::Process sh({"sh", "-c", command});
  CliRun run;
  if (!sh.wait_exit(60000)) {
    ADD_FAILURE() << "ragcache tokens did not finish";
    return run;
  }
  run.out = read_all(dir / "out.txt");
  run.err = read_all(dir / "err.txt");
  const std::string rc = read_all(dir / "rc.txt");
  run.exit_code = rc.empty() ? -1 : std::stoi(rc);
  fs::remove_all(dir);
  return run;
}

TEST(TokensCli, PrintsOneCountPerLine) {
  auto encoding = get_encoding("o200k_base");
  ASSERT_TRUE(encoding.has_value()) << encoding.error().message();
  const std::vector<std::string> lines = {"Hello world",
                                          "",
                                          "你好，世界 👍",
                                          "  indented\tcode();",
                                          "<|endoftext|> is plain text",
                                          "it's \xEF\xBB\xBF\xC2\x85 odd"};
  std::string input, expected;
  for (const auto& l : lines) {
    input += l + "\n";
    expected += std::to_string((*encoding)->count(l)) + "\n";
  }
  const CliRun run = run_ragcache("tokens --encoding o200k_base", input + "crlf line\r\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, expected + std::to_string((*encoding)->count("crlf line")) + "\n");
}

TEST(TokensCli, JsonlLinesAreJsonStrings) {
  auto encoding = get_encoding("cl100k_base");
  ASSERT_TRUE(encoding.has_value()) << encoding.error().message();
  const CliRun run =
      run_ragcache("tokens --encoding cl100k_base --jsonl", "\"two\\nlines\"\n\"\\ud83d\\udc4d\"\n\"\"\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, std::to_string((*encoding)->count("two\nlines")) + "\n" +
                         std::to_string((*encoding)->count("👍")) + "\n0\n");
}

TEST(TokensCli, BadInputAndArgumentsExitNonZeroWithAMessage) {
  const CliRun not_json = run_ragcache("tokens --encoding cl100k_base --jsonl", "\"ok\"\nnot json\n");
  EXPECT_NE(not_json.exit_code, 0);
  EXPECT_NE(not_json.err.find("line 2"), std::string::npos) << not_json.err;
  EXPECT_EQ(not_json.out, "1\n");  // the lines before the bad one are answered

  const CliRun unknown = run_ragcache("tokens --encoding p50k_base", "x\n");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("encoding"), std::string::npos) << unknown.err;

  const CliRun missing = run_ragcache("tokens", "x\n");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("--encoding"), std::string::npos) << missing.err;
}

TEST(TokensCli, AMissingRankFileNamesWhatToInstall) {
  std::string dir_name = "ragcache_tokens_cli_empty_";
  dir_name += std::to_string(::getpid());
  const fs::path empty = fs::temp_directory_path() / dir_name;
  fs::create_directories(empty);
  const CliRun run =
      run_ragcache("tokens --encoding o200k_base", "x\n", "RAGCACHE_TIKTOKEN_DIR='" + empty.string() + "'");
  fs::remove_all(empty);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("RAGCACHE_TIKTOKEN_DIR"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("o200k_base.json"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace ragcache::tokens
