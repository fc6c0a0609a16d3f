// End-to-end: `ragcache eval-semantic` as a user runs it, on a small pairs file written here:
// the report (recall at fixed false-hit rates, the default threshold's line), the per-pair
// signals of --scores, the built-in default when the model file is there, and clear errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "embed/use_lite_test_support.h"
#include "support/process.h"
#include "support/ragcache_process.h"

namespace ragcache {
namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Run eval_semantic(const std::string& args) {
  const std::string out = testing::run_command("timeout 60 " + testing::ragcache_binary() + " eval-semantic " + args +
                                               " 2>&1; echo \"#exit=$?\"");
  Run r;
  const auto marker = out.rfind("#exit=");
  if (marker == std::string::npos) return r;
  r.exit_code = std::stoi(out.substr(marker + 6));
  r.output = out.substr(0, marker);
  return r;
}

std::string write_pairs() {
  const std::string path = ::testing::TempDir() + "/eval-pairs-" + std::to_string(::getpid()) + ".jsonl";
  std::ofstream out(path);
  out << R"({"q1":"How do I reset my password?","q2":"how can I reset my password","label":1})" << "\n"
      << R"({"q1":"How do I reset my password?","q2":"I forgot my password, how do I reset it?","label":1})" << "\n"
      << R"({"q1":"What is the price of gold today?","q2":"What is the price of silver today?","label":0})" << "\n"
      << R"({"q1":"Is the pharmacy open on Sunday?","q2":"Is the pharmacy not open on Sunday?","label":0})" << "\n"
      << R"({"q1":"Can I cancel my order after it has shipped?","q2":"Can I cancel my order before it has shipped?","label":0})"
      << "\n";
  return path;
}

TEST(EvalSemanticE2E, ReportsRecallAtFixedFalseHitRatesAndTheDefaultThreshold) {
  const std::string pairs = write_pairs(), scores = pairs + ".tsv";
  const auto run = eval_semantic("--embedder lexical --pairs " + pairs + " --scores " + scores);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("pairs: 5 (2 positive, 3 negative); embedder lexical"), std::string::npos) << run.output;
  for (const char* line : {"fhr  1%: recall", "fhr  2%: recall", "fhr  5%: recall", "default threshold 0.900:"}) {
    EXPECT_NE(run.output.find(line), std::string::npos) << line << "\n" << run.output;
  }
  const std::string dump = testing::read_file(scores);
  EXPECT_EQ(dump.substr(0, dump.find('\n')), "label\tvector_cosine\tlexical_cosine\tguard\tlatin\tscore");
  EXPECT_NE(dump.find("\tnegation\t"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\topposites\t"), std::string::npos) << dump;
  // Without --scores as well (nothing is written then).
  EXPECT_EQ(eval_semantic("--embedder lexical --pairs " + pairs).exit_code, 0);
}

TEST(EvalSemanticE2E, ByDefaultItScoresWhatTheGatewayUsesByDefault) {
  RAGCACHE_NEURAL_MODEL_OR_SKIP(model);
  const auto run = eval_semantic("--pairs " + write_pairs() + " --neural-model " + model);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("embedder builtin (use-lite-en-0.2.0"), std::string::npos) << run.output;
  // Both rewordings clear 0.935; none of the three near-identical negatives does.
  EXPECT_NE(run.output.find("default threshold 0.935: precision 1.000, recall 1.000, false-hit rate 0.00%"),
            std::string::npos)
      << run.output;
}

TEST(EvalSemanticE2E, BadInputIsAClearErrorWithANonZeroExit) {
  auto missing = eval_semantic("--embedder lexical --pairs /nonexistent/pairs.jsonl");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("/nonexistent/pairs.jsonl"), std::string::npos) << missing.output;
  auto neural = eval_semantic("--embedder neural --neural-model /nonexistent/model.bin --pairs " + write_pairs());
  EXPECT_NE(neural.exit_code, 0);
  EXPECT_NE(neural.output.find("/nonexistent/model.bin"), std::string::npos) << neural.output;
  const std::string bad = ::testing::TempDir() + "/eval-bad-" + std::to_string(::getpid()) + ".jsonl";
  std::ofstream(bad) << "{\"q1\":\"a\",\"q2\":\"b\",\"label\":1}\nnot json\n";
  auto malformed = eval_semantic("--embedder lexical --pairs " + bad);
  EXPECT_NE(malformed.exit_code, 0);
  EXPECT_NE(malformed.output.find("line 2"), std::string::npos) << malformed.output;
}

}  // namespace
}  // namespace ragcache
