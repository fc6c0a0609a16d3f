// Client conformance, differentially: the official `openai` SDK, the Vercel AI SDK and LangChain
// JS (installed from npm by the test command) run every case straight at a scripted upstream
// (tools/node/e2e/scripted_upstream.mjs), then twice through `ragcache serve` in front of it
// (tools/node/e2e/conformance.mjs). What each client parsed must be the same all three times:
// tool calls, several choices, logprobs, refusals, usage, errors, the Responses API and routes
// the gateway only passes through. The gateway must cache exactly what it may: complete answers
// (stop / tool_calls), never refusals or cut answers.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "support/ragcache_process.h"
#include "support/redis_server.h"
#include "support/scripted_upstream.h"

namespace ragcache {
namespace {

namespace json = boost::json;
using testing::RagcacheProcess;
using testing::RedisServer;
using testing::ScriptedUpstream;

// What X-Cache each case must carry on its first and second run through the gateway. Cases the
// client gives no headers for (the SDKs' stream helpers) are not listed.
const std::map<std::string, std::pair<std::string, std::string>> kExpectedXCache = {
    {"openai/chat.text", {"MISS", "HIT"}},
    {"openai/chat.tools", {"MISS", "HIT"}},
    {"openai/chat.n2", {"MISS", "HIT"}},
    {"openai/chat.logprobs", {"MISS", "HIT"}},
    {"openai/chat.refusal", {"MISS", "MISS"}},  // a refusal is never cached
    {"openai/chat.length", {"MISS", "MISS"}},   // nor a cut answer
    {"openai/chat.error400", {"MISS", "MISS"}},
    {"openai/chat.stream.usage", {"MISS", "HIT"}},
    {"openai/responses.text", {"MISS", "HIT"}},
    {"openai/responses.tools", {"MISS", "HIT"}},
    {"openai/responses.stream", {"MISS", "HIT"}},
    {"openai/responses.previous", {"BYPASS", "BYPASS"}},
    {"openai/moderations", {"BYPASS", "BYPASS"}},
    {"openai/files.retrieve", {"BYPASS", "BYPASS"}},
    {"openai/files.content", {"BYPASS", "BYPASS"}},
    {"ai-sdk/generateText.chat.tools", {"MISS", "HIT"}},
    {"ai-sdk/generateText.chat.text", {"MISS", "HIT"}},
    {"ai-sdk/streamText.chat", {"MISS", "HIT"}},
    {"ai-sdk/streamText.chat.tools", {"MISS", "HIT"}},
    {"ai-sdk/generateText.responses", {"MISS", "HIT"}},
    {"ai-sdk/streamText.responses.tools", {"MISS", "HIT"}},
    {"langchain/invoke", {"MISS", "HIT"}},
    {"langchain/stream", {"MISS", "HIT"}},
    {"langchain/bindTools", {"MISS", "HIT"}},
    {"langchain/bindTools.stream", {"MISS", "HIT"}},
};

TEST(ClientConformance, SdksParseTheSameThroughTheGatewayAndFromItsCache) {
  RedisServer redis;
  ScriptedUpstream upstream;
  RagcacheProcess gateway({"serve", "--redis", redis.url(), "--upstream", upstream.url() + "/v1", "--io-threads", "2"});
  const std::string script = std::string(RAGCACHE_SOURCE_DIR) + "/tools/node/e2e/conformance.mjs";
  const std::string out =
      testing::run_command("node " + script + " " + upstream.url() + "/v1 " + gateway.base_url() + "/v1 2>&1");
  json::value parsed;
  try {
    parsed = json::parse(out);
  } catch (const std::exception&) {
    FAIL() << "conformance driver output is not JSON (node and tools/node packages are installed by scripts/test.sh):\n"
           << out;
  }
  ASSERT_FALSE(parsed.as_object().contains("fatal")) << out;
  const auto& cases = parsed.at("cases").as_array();
  ASSERT_GE(cases.size(), kExpectedXCache.size());
  std::size_t checked_headers = 0;
  for (const auto& c : cases) {
    const std::string name = std::string(c.at("client").as_string()) + "/" + std::string(c.at("name").as_string());
    SCOPED_TRACE(name);
    const auto& runs = c.at("runs").as_object();
    const std::string direct = json::serialize(runs.at("direct"));
    const auto* direct_object = runs.at("direct").if_object();
    const bool threw = direct_object && direct_object->contains("thrown");
    EXPECT_EQ(threw, name.find("error") != std::string::npos) << "straight at the upstream: " << direct;
    EXPECT_EQ(json::serialize(runs.at("first")), direct) << "first run through the gateway differs";
    EXPECT_EQ(json::serialize(runs.at("again")), direct) << "second run (from the cache where cached) differs";
    if (auto it = kExpectedXCache.find(name); it != kExpectedXCache.end()) {
      const auto& x = c.at("x_cache").as_object();
      EXPECT_EQ(x.at("first"), json::value(it->second.first)) << json::serialize(x);
      EXPECT_EQ(x.at("again"), json::value(it->second.second)) << json::serialize(x);
      ++checked_headers;
    }
  }
  EXPECT_EQ(checked_headers, kExpectedXCache.size());

  // Upstream calls per case: each cached case once straight and once through the gateway; the
  // never-cached ones once more.
  const auto calls = upstream.calls();
  auto count = [&](const char* key) { return calls.contains(key) ? calls.at(key).to_number<int>() : 0; };
  EXPECT_EQ(count("chat:refusal"), 2 * 3) << json::serialize(calls);  // openai create + stream helper, 3 runs each
  EXPECT_EQ(count("chat:length"), 3) << json::serialize(calls);
  EXPECT_EQ(count("chat:tools"), 6 * 2) << json::serialize(calls);  // six tool cases, cached on the third run
  EXPECT_EQ(count("responses:text"), 2 + 2 + 3) << json::serialize(calls);  // previous_response_id bypasses
}

// An upload larger than --max-body-bytes passes through, streamed both ways, and arrives whole.
TEST(ClientConformance, ALargeUploadPassesThroughStreamed) {
  RedisServer redis;
  ScriptedUpstream upstream;
  RagcacheProcess gateway({"serve", "--redis", redis.url(), "--upstream", upstream.url() + "/v1", "--max-body-bytes",
                           "1048576", "--io-threads", "2"});
  const std::string big(12 << 20, 'u');
  std::string body;
  const int status = testing::http_request("POST", gateway.base_url() + "/v1/files?purpose=batch", big,
                                           {"Authorization: Bearer sk-up"}, &body);
  ASSERT_EQ(status, 200) << body;
  const auto created = json::parse(body).as_object();
  EXPECT_EQ(created.at("bytes").as_int64(), 12 << 20);
  EXPECT_EQ(created.at("purpose"), "batch");
  // A cached route still holds the ordinary limit.
  const std::string chat = R"({"model":"m","messages":[{"role":"user","content":")" + std::string(2 << 20, 'q') + R"("}]})";
  EXPECT_EQ(testing::http_request("POST", gateway.base_url() + "/v1/chat/completions", chat), 413);
}

}  // namespace
}  // namespace ragcache
