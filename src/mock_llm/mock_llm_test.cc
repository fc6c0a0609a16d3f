#include "mock_llm/mock_llm.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <set>

namespace ragcache::mock {
namespace {

namespace json = boost::json;

json::array messages(std::string_view user) {
  return json::array{json::object{{"role", "system"}, {"content", "be brief"}},
                     json::object{{"role", "user"}, {"content", user}}};
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  for (std::size_t i = 0; i < a.size(); ++i) dot += static_cast<double>(a[i]) * b[i];
  return dot;  // both unit length
}

TEST(MockLlm, SeedDependsOnModelRolesAndContentOnly) {
  auto a = mock_answer_seed("m", messages("what is redis"));
  EXPECT_EQ(a, mock_answer_seed("m", messages("what is redis")));
  EXPECT_NE(a, mock_answer_seed("m", messages("what is lua")));
  EXPECT_NE(a, mock_answer_seed("other", messages("what is redis")));
  // Extra fields that do not change the conversation do not change the answer.
  auto with_name = messages("what is redis");
  with_name[1].as_object()["name"] = "bob";
  EXPECT_EQ(a, mock_answer_seed("m", with_name));
  // Content parts are read like plain content.
  json::array parts{json::object{{"role", "system"}, {"content", "be brief"}},
                    json::object{{"role", "user"},
                                 {"content", json::array{json::object{{"type", "text"}, {"text", "what is redis"}}}}}};
  EXPECT_EQ(a, mock_answer_seed("m", parts));
}

TEST(MockLlm, AnswerTokensAreDeterministicAndShaped) {
  auto t1 = mock_answer_tokens("seed-a", 10);
  ASSERT_EQ(t1.size(), 10u);
  EXPECT_EQ(t1, mock_answer_tokens("seed-a", 10));
  EXPECT_NE(t1, mock_answer_tokens("seed-b", 10));
  EXPECT_NE(t1[0][0], ' ');
  EXPECT_TRUE(std::isupper(static_cast<unsigned char>(t1[0][0])));
  for (std::size_t i = 1; i < t1.size(); ++i) EXPECT_EQ(t1[i][0], ' ');
  EXPECT_EQ(t1.back().back(), '.');
  EXPECT_TRUE(mock_answer_tokens("x", 0).empty());
}

TEST(MockLlm, TokenCount) {
  EXPECT_EQ(mock_token_count(""), 0);
  EXPECT_EQ(mock_token_count("hello world"), 2);
  EXPECT_EQ(mock_token_count("Hello, world!"), 4);
}

TEST(MockLlm, EmbeddingsAreUnitLengthDeterministicAndSimilarForSharedWords) {
  auto a = mock_embedding("How do I reset my password?", 128);
  ASSERT_EQ(a.size(), 128u);
  double norm = 0;
  for (float x : a) norm += static_cast<double>(x) * x;
  EXPECT_NEAR(norm, 1.0, 1e-5);
  EXPECT_EQ(a, mock_embedding("How do I reset my password?", 128));
  EXPECT_EQ(a, mock_embedding("how do i RESET my password", 128));  // case and punctuation
  auto near = mock_embedding("How can I reset my password?", 128);
  auto far = mock_embedding("Quarterly revenue grew in Europe", 128);
  EXPECT_GT(cosine(a, near), cosine(a, far));
  auto empty = mock_embedding("", 8);
  EXPECT_FLOAT_EQ(empty[0], 1.0f);
}

TEST(MockLlm, StatsJson) {
  MockLlmStats s;
  s.chat_calls = 3;
  s.chat_stream_calls = 1;
  auto v = json::parse(s.to_json()).as_object();
  EXPECT_EQ(v.at("chat_calls").to_number<std::uint64_t>(), 3u);
  EXPECT_EQ(v.at("chat_stream_calls").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(v.at("embedding_calls").to_number<std::uint64_t>(), 0u);
}

}  // namespace
}  // namespace ragcache::mock
