// embed_bench: what embedding one question costs, on one core (this thread), for the neural
// embedder on every kernel this CPU runs and for the lexical embedder as the baseline of the same
// run. Questions: the dev-style questions below (or --questions FILE.jsonl: the q1/q2 of a pairs
// file), grouped by token count; plus questions padded to exactly 8, 16, 24 and 32 tokens.
//
// Each question is embedded --rounds times (round-robin over the set, so the caches see a mix);
// per bucket: p50 / p99 / max of wall time, min / p50 / p99 of thread-CPU time, and the ratio to
// the lexical embedder.
// It fails (exit 1) on a wrong answer: every vector must be unit length, and the reference texts
// (src/embed/testdata) must come out within 1e-4 of their TensorFlow.js vectors.
//
//   embed_bench [--model FILE] [--questions FILE.jsonl] [--rounds N]
//               [--kernels all|default|generic|avx2|avx512|avx512_bf16]
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "embed/hashed_ngram_embedder.h"
#include "embed/neural_embedder.h"
#include "embed/pair_evaluation.h"
#include "embed/use_lite_reference_data.h"

namespace {

using namespace ragcache;
using Clock = std::chrono::steady_clock;

const char* kQuestions[] = {
    "How do I reset my password?",
    "What is Redis?",
    "Can I cancel my order after it has shipped?",
    "Why was my card charged twice this month?",
    "Which plan includes priority support and how much does it cost per year?",
    "How long does delivery to Canada usually take?",
    "What are the side effects of taking ibuprofen with coffee?",
    "Is it safe to exercise with a mild fever?",
    "How do I export my contacts from an old Android phone to a new iPhone?",
    "What is the difference between a Roth IRA and a traditional IRA for someone who changes jobs often?",
    "Why does my laptop get so hot when I watch videos in the browser, and how can I stop it?",
    "Where can I find the invoice for my last subscription payment?",
    "What time does the pharmacy on Main Street open on Sundays?",
    "How can I learn to play the guitar as an adult with only 20 minutes a day?",
    "My son has had a cough for two weeks and now a low fever at night; should we see a doctor?",
    "What is the best way to store fresh herbs so they last longer in the fridge?",
    "Can you explain how compound interest works with a simple example?",
    "How do I change the email address on my account?",
    "Is there a way to recover deleted photos from a cloud backup?",
    "What documents do I need to renew my passport if my name has changed since marriage?",
};

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct Stats {
  std::vector<double> wall, cpu;
};

double pct(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

std::string bucket_of(std::size_t tokens) {
  if (tokens <= 8) return "<= 8";
  if (tokens <= 16) return "9-16";
  if (tokens <= 24) return "17-24";
  if (tokens <= 32) return "25-32";
  return "> 32";
}

// A plausible question of exactly `tokens` ids: common one-piece words appended to a short one.
std::string question_of_tokens(const embed::NeuralEmbedder& e, std::size_t tokens) {
  static const char* kWords[] = {"for", "the", "new", "phone", "and", "my", "work", "laptop", "at", "home", "today"};
  std::string q = "how do i reset";
  for (std::size_t i = 0; e.tokens(q).size() < tokens; ++i) q += std::string(" ") + kWords[i % std::size(kWords)];
  return q;
}

bool check_answers(const embed::NeuralEmbedder& e) {
  double worst = 0;
  for (const auto& s : embed::testing::reference_sentences()) {
    if (s.vector.empty()) continue;
    const auto v = e.embed_text(s.text);
    double dot = 0;
    for (std::size_t i = 0; i < v.size(); ++i) dot += static_cast<double>(v[i]) * s.vector[i];
    worst = std::max(worst, 1.0 - dot);
  }
  std::printf("  check: worst 1 - cosine vs the TensorFlow.js reference: %.2e (must be <= 1e-4)\n", worst);
  return worst <= 1e-4;
}

std::vector<std::string> load_questions(const std::string& file) {
  if (file.empty()) return {std::begin(kQuestions), std::end(kQuestions)};
  std::ifstream in(file);
  std::stringstream buf;
  buf << in.rdbuf();
  auto pairs = embed::parse_pairs_jsonl(buf.str());
  std::vector<std::string> out;
  if (!pairs) return out;
  for (const auto& p : *pairs) {
    out.push_back(p.q1);
    out.push_back(p.q2);
  }
  return out;
}

template <class EmbedFn>
std::map<std::string, Stats> measure(const std::vector<std::string>& questions, const std::vector<std::size_t>& tokens,
                                     std::size_t rounds, EmbedFn&& embed, bool& ok) {
  std::map<std::string, Stats> by_bucket;
  for (std::size_t r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < questions.size(); ++i) {
      const double c0 = thread_cpu_us();
      const auto t0 = Clock::now();
      const auto v = embed(questions[i]);
      const double wall = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      const double cpu = thread_cpu_us() - c0;
      double n2 = 0;
      for (float x : v) n2 += static_cast<double>(x) * x;
      if (std::abs(n2 - 1.0) > 1e-3) ok = false;
      for (const auto& b : {bucket_of(tokens[i]), std::string("all <= 32")}) {
        if (b == "all <= 32" && tokens[i] > 32) continue;
        by_bucket[b].wall.push_back(wall);
        by_bucket[b].cpu.push_back(cpu);
      }
    }
  }
  return by_bucket;
}

constexpr const char* kUsage =
    "usage: embed_bench [--model FILE] [--questions FILE.jsonl] [--rounds N]\n"
    "                   [--kernels all|default|generic|avx2|avx512|avx512_bf16]\n";

}  // namespace

int main(int argc, char** argv) {
  std::string model = std::string(RAGCACHE_SOURCE_DIR) + "/.ragcache/models/" + std::string(embed::kUseLiteModelFileName);
  if (const char* env = std::getenv("RAGCACHE_NEURAL_MODEL")) model = env;
  std::string questions_file, kernels = "all";
  std::size_t rounds = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--model") model = argv[i + 1];
    else if (flag == "--questions") questions_file = argv[i + 1];
    else if (flag == "--rounds") rounds = std::stoul(argv[i + 1]);
    else if (flag == "--kernels") kernels = argv[i + 1];
    else {
      std::fprintf(stderr, "%s", kUsage);
      return 2;
    }
  }
  // Which kernels to time; an unknown name is an error, never a silent "all".
  std::vector<embed::DenseKernel> chosen;
  const auto every = {embed::DenseKernel::avx512_bf16, embed::DenseKernel::avx512, embed::DenseKernel::avx2,
                      embed::DenseKernel::generic};
  if (kernels == "default") chosen.push_back(embed::default_dense_kernel());
  for (auto k : every) {
    if ((kernels == "all" || kernels == embed::kernel_name(k)) && embed::cpu_supports(k)) chosen.push_back(k);
  }
  if (chosen.empty()) {
    std::fprintf(stderr, "embed_bench: --kernels %s: not a kernel this CPU runs\n%s", kernels.c_str(), kUsage);
    return 2;
  }
  auto probe = embed::NeuralEmbedder::load(model);
  if (!probe) {
    std::fprintf(stderr, "embed_bench: %s (run scripts/fetch_model.sh)\n", probe.error().message().c_str());
    return 2;
  }
  auto questions = load_questions(questions_file);
  if (questions.empty()) {
    std::fprintf(stderr, "embed_bench: no questions in %s\n", questions_file.c_str());
    return 2;
  }
  if (questions_file.empty()) {
    for (std::size_t t : {8, 16, 24, 32}) questions.push_back(question_of_tokens(**probe, t));
  }
  std::vector<std::size_t> tokens;
  for (const auto& q : questions) tokens.push_back((*probe)->tokens(q).size());
  const std::size_t rounds_used = questions_file.empty() ? rounds : std::max<std::size_t>(1, rounds / 100);
  std::printf("questions: %zu (%s), %zu rounds each\n", questions.size(), questions_file.empty() ? "built in" : questions_file.c_str(),
              rounds_used);

  auto lexical = embed::HashedNgramEmbedder::create().value();
  bool ok = true;
  const auto baseline = measure(questions, tokens, rounds_used, [&](const std::string& q) { return lexical->embed_text(q); }, ok);
  for (auto kernel : chosen) {
    auto neural = embed::NeuralEmbedder::load(model, kernel).value();
    std::printf("neural embedder, kernel %s:\n", std::string(embed::kernel_name(kernel)).c_str());
    ok = check_answers(*neural) && ok;
    const auto stats = measure(questions, tokens, rounds_used, [&](const std::string& q) { return neural->embed_text(q); }, ok);
    std::printf("  %-10s %7s  %9s %9s %9s  %9s %9s %9s  %s\n", "tokens", "texts", "wall p50", "wall p99", "wall max",
                "cpu min", "cpu p50", "cpu p99", "cpu p50 / lexical");
    for (const auto& [bucket, s] : stats) {
      const double lex = pct(baseline.at(bucket).cpu, 0.5);
      std::printf("  %-10s %7zu  %7.0f us %7.0f us %7.0f us  %7.0f us %7.0f us %7.0f us  %.0fx (lexical %.0f us)\n",
                  bucket.c_str(), s.wall.size(), pct(s.wall, 0.5), pct(s.wall, 0.99), pct(s.wall, 1.0), pct(s.cpu, 0.0),
                  pct(s.cpu, 0.5), pct(s.cpu, 0.99), pct(s.cpu, 0.5) / std::max(lex, 0.01), lex);
    }
    std::fflush(stdout);
  }
  if (!ok) std::printf("WRONG ANSWERS: a vector was not unit length or did not match its reference\n");
  return ok ? 0 : 1;
}
