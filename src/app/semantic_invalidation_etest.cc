// End-to-end: `POST /v1/ragcache/cache/invalidate` reaches the semantic cache too. The real
// `ragcache serve` (semantic cache on, the default) in front of `ragcache mock-llm` on a real
// redis-server: after invalidating an answer by key name, by hash or by namespace, the same
// question (and a paraphrase of it) is a MISS again, never SEMANTIC with the old answer.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <thread>

#include "support/ragcache_process.h"
#include "support/redis_server.h"
#include "support/time_scale.h"

namespace ragcache {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::RagcacheProcess;
using testing::RedisServer;
using testing::header_value;

class SemanticInvalidationE2E : public ::testing::Test {
 protected:
  SemanticInvalidationE2E()
      : mock_({"mock-llm"}),
        gateway_({"serve", "--redis", redis_.url(), "--upstream", mock_.base_url() + "/v1", "--io-threads", "2"}) {}

  // X-Cache of one question in namespace "faq".
  std::string ask(const std::string& question) {
    json::object body{{"model", "mock-gpt"},
                      {"messages", json::array{json::object{{"role", "user"}, {"content", question}}}}};
    std::string response, headers;
    testing::http_request("POST", gateway_.base_url() + "/v1/chat/completions", json::serialize(body),
                          {"X-Cache-Namespace: faq"}, &response, &headers);
    return header_value(headers, "X-Cache");
  }

  // A MISS stores its semantic entry after the reply went out: wait until Redis holds `count`.
  void wait_for_semantic_entries(std::size_t count) {
    testing::wait_until([&] { return semantic_entries() == count; }, 2s);
    ASSERT_EQ(semantic_entries(), count);
  }

  std::size_t semantic_entries() {
    const std::string keys = redis_.command({"KEYS", "rag:sem:{*"});
    return keys.empty() ? 0 : static_cast<std::size_t>(std::count(keys.begin(), keys.end(), '\n') + 1);
  }

  std::string invalidate(const std::string& json_body) {
    std::string body;
    const int status = testing::http_request("POST", gateway_.base_url() + "/v1/ragcache/cache/invalidate", json_body,
                                             {}, &body);
    return std::to_string(status) + " " + body;
  }

  RedisServer redis_;
  RagcacheProcess mock_;
  RagcacheProcess gateway_;
};

const std::string kQuestion = "How do I reset my password?";
const std::string kParaphrase = "how can I reset my password";

TEST_F(SemanticInvalidationE2E, InvalidatingAKeyRemovesItsSemanticEntry) {
  EXPECT_EQ(ask(kQuestion), "MISS");
  wait_for_semantic_entries(1);
  EXPECT_EQ(ask(kParaphrase), "SEMANTIC");  // the semantic cache is really on

  // By the whole key name.
  const std::string name = redis_.command({"KEYS", "rag:exact:faq:*"});
  ASSERT_EQ(name.rfind("rag:exact:faq:{", 0), 0u) << name;
  EXPECT_EQ(invalidate(R"({"key":")" + name + "\"}"), R"(200 {"invalidated":1,"semantic_invalidated":1})");
  EXPECT_EQ(semantic_entries(), 0u);
  EXPECT_EQ(ask(kQuestion), "MISS");

  // By the bare hash and its namespace: the same again, the paraphrase misses too.
  wait_for_semantic_entries(1);
  const std::string hash = name.substr(name.find('{') + 1, 64);
  EXPECT_EQ(invalidate(R"({"key":")" + hash + R"(","namespace":"faq"})"),
            R"(200 {"invalidated":1,"semantic_invalidated":1})");
  EXPECT_EQ(ask(kParaphrase), "MISS");
}

TEST_F(SemanticInvalidationE2E, InvalidatingANamespaceRemovesItsSemanticEntries) {
  EXPECT_EQ(ask(kQuestion), "MISS");
  EXPECT_EQ(ask("What is the capital of France?"), "MISS");
  wait_for_semantic_entries(2);
  EXPECT_EQ(invalidate(R"({"namespace":"faq"})"), R"(200 {"invalidated":2,"semantic_invalidated":2})");
  EXPECT_EQ(semantic_entries(), 0u);
  EXPECT_EQ(ask(kParaphrase), "MISS");
  EXPECT_EQ(ask("what is the capital of france"), "MISS");
  // The namespace works as before afterwards.
  wait_for_semantic_entries(2);
  EXPECT_EQ(ask(kQuestion), "SEMANTIC");
}

}  // namespace
}  // namespace ragcache
