#include "gateway/semantic_step.h"

#include <gtest/gtest.h>

namespace ragcache::gateway {
namespace {

using Messages = std::vector<cache::ChatMessage>;
using Params = std::vector<std::pair<std::string, std::string>>;

struct Fixture {
  Messages messages{{"system", "You are terse.", ""}, {"user", "How do I reset my password?", ""}};
  Params params{{"temperature", "0"}};
  SemanticInputs inputs() const {
    return {.enabled = true,
            .cacheable = true,
            .plain_text = true,
            .tenant = "tenant-a",
            .model = "gpt-x",
            .name_space = "docs",
            .embedder_id = "builtin-v1",
            .messages = &messages,
            .params = &params};
  }
};

TEST(SemanticStep, AStandaloneQuestionIsLookedUpAndStoredInItsPartition) {
  Fixture f;
  auto plan = plan_semantic(f.inputs());
  EXPECT_TRUE(plan.lookup);
  EXPECT_TRUE(plan.store);
  EXPECT_EQ(plan.question, "How do I reset my password?");
  EXPECT_EQ(plan.partition.tenant, "tenant-a");
  EXPECT_EQ(plan.partition.model, "gpt-x");
  EXPECT_EQ(plan.partition.name_space, "docs");
  EXPECT_EQ(plan.partition.system_fingerprint, semantic_fingerprint(f.messages, f.params, "builtin-v1"));
}

TEST(SemanticStep, FollowUpsNeedAResolvedQuery) {
  Fixture f;
  f.messages.push_back({"assistant", "Click 'forgot password'.", ""});
  f.messages.push_back({"user", "and on mobile?", ""});
  auto follow_up = plan_semantic(f.inputs());
  EXPECT_FALSE(follow_up.lookup);
  EXPECT_FALSE(follow_up.store);
  EXPECT_EQ(follow_up.skip_reason, "follow-up");

  auto in = f.inputs();
  in.resolved_query = "How do I reset my password on mobile?";
  auto resolved = plan_semantic(in);
  EXPECT_TRUE(resolved.lookup);
  EXPECT_TRUE(resolved.store);
  EXPECT_EQ(resolved.question, "How do I reset my password on mobile?");
}

TEST(SemanticStep, OnlyOneUserMessageStandsAlone) {
  EXPECT_EQ(standalone_question({{"user", "q", ""}}), "q");
  EXPECT_EQ(standalone_question({{"developer", "d", ""}, {"user", "q", ""}}), "q");
  EXPECT_FALSE(standalone_question({{"user", "a", ""}, {"user", "b", ""}}));
  EXPECT_FALSE(standalone_question({{"system", "s", ""}}));
  EXPECT_FALSE(standalone_question({{"user", "q", ""}, {"assistant", "a", ""}}));
  EXPECT_FALSE(standalone_question({{"user", "   ", ""}}));
}

TEST(SemanticStep, SwitchesThatTurnItOff) {
  Fixture f;
  auto in = f.inputs();
  in.enabled = false;
  EXPECT_FALSE(plan_semantic(in).store);
  in = f.inputs();
  in.cacheable = false;  // no-store, Redis down
  EXPECT_FALSE(plan_semantic(in).store);
  in = f.inputs();
  in.plain_text = false;  // tools, tool messages, structured output, n > 1, logprobs
  EXPECT_FALSE(plan_semantic(in).lookup);
  EXPECT_FALSE(plan_semantic(in).store);
  in = f.inputs();
  in.has_source_docs = true;  // document answers: exact cache only (versioned key)
  EXPECT_FALSE(plan_semantic(in).lookup);
  EXPECT_FALSE(plan_semantic(in).store);
  in = f.inputs();
  in.no_cache = true;  // skip the lookup, still store
  EXPECT_FALSE(plan_semantic(in).lookup);
  EXPECT_TRUE(plan_semantic(in).store);
}

TEST(SemanticStep, FingerprintSeparatesSystemPromptParamsAndEmbedder) {
  Fixture f;
  const auto base = semantic_fingerprint(f.messages, f.params, "e1");
  Messages other_system = f.messages;
  other_system[0].content = "You are verbose.";
  EXPECT_NE(semantic_fingerprint(other_system, f.params, "e1"), base);
  EXPECT_NE(semantic_fingerprint(f.messages, {{"temperature", "1"}}, "e1"), base);
  EXPECT_NE(semantic_fingerprint(f.messages, f.params, "e2"), base);
  // The user's wording is NOT part of it: paraphrases share the partition, and so does a
  // session follow-up (its history is what X-Resolved-Query stands for).
  Messages paraphrase = f.messages;
  paraphrase[1].content = "how can I reset my password";
  EXPECT_EQ(semantic_fingerprint(paraphrase, f.params, "e1"), base);
  Messages follow_up = f.messages;
  follow_up.push_back({"assistant", "Use the link.", ""});
  follow_up.push_back({"user", "and on mobile?", ""});
  EXPECT_EQ(semantic_fingerprint(follow_up, f.params, "e1"), base);
  Messages named = f.messages;
  named[1].name = "alice";
  EXPECT_NE(semantic_fingerprint(named, f.params, "e1"), base);
}


}  // namespace
}  // namespace ragcache::gateway
