#include "openai/chat_stream.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "openai/answer_verdict.h"

namespace ragcache::openai {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

// The data payloads of an SSE body, [DONE] excluded.
std::vector<json::object> chunks_of(std::string_view sse) {
  std::vector<json::object> out;
  while (!sse.empty()) {
    const auto end = sse.find("\n\n");
    std::string_view event = sse.substr(0, end);
    sse = end == std::string_view::npos ? std::string_view() : sse.substr(end + 2);
    EXPECT_TRUE(event.starts_with("data: ")) << event;
    event.remove_prefix(6);
    if (event == "[DONE]") {
      EXPECT_TRUE(sse.empty()) << "[DONE] must be last";
      break;
    }
    out.push_back(obj(event));
  }
  return out;
}

json::object assemble(std::string_view sse) {
  ChunkAssembler a;
  for (const auto& c : chunks_of(sse)) a.add(c);
  EXPECT_TRUE(a.finished());
  return a.completion();
}

// Real-shaped completions: what OpenAI returns for text, tool calls, several choices, logprobs,
// refusals, and fields nobody here knows yet.
const char* kCompletions[] = {
    R"({"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
        "choices":[{"index":0,"message":{"role":"assistant","content":"Hello \"world\"\n","refusal":null,
        "annotations":[]},"logprobs":null,"finish_reason":"stop"}],
        "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,
                 "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                 "completion_tokens_details":{"reasoning_tokens":0,"accepted_prediction_tokens":0}},
        "service_tier":"default","system_fingerprint":"fp_abc"})",
    R"({"id":"chatcmpl-2","object":"chat.completion","created":1700000001,"model":"gpt-4o",
        "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
        "tool_calls":[{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                      {"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\"tz\":\"CET\"}"}}]},
        "logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":20,"total_tokens":25}})",
    R"({"id":"chatcmpl-3","object":"chat.completion","created":1700000002,"model":"gpt-4o",
        "choices":[{"index":0,"message":{"role":"assistant","content":"one","refusal":null},"logprobs":
          {"content":[{"token":"one","logprob":-0.1,"bytes":[111,110,101],"top_logprobs":[]}],"refusal":null},
          "finish_reason":"stop"},
        {"index":1,"message":{"role":"assistant","content":"two","refusal":null},"logprobs":
          {"content":[{"token":"two","logprob":-0.2,"bytes":[116,119,111],"top_logprobs":[]}],"refusal":null},
          "finish_reason":"length"}],
        "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})",
    R"({"id":"chatcmpl-4","object":"chat.completion","created":1700000003,"model":"gpt-4o",
        "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},
        "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":6,"total_tokens":7},
        "x_future":{"nested":[1,2]}})",
};

TEST(ChatStream, AStreamOfACompletionAssemblesBackIntoIt) {
  for (const char* text : kCompletions) {
    const auto completion = obj(text);
    for (bool include_usage : {false, true}) {
      SCOPED_TRACE(std::string(text) + (include_usage ? " with usage" : ""));
      auto assembled = assemble(render_chat_stream(completion, include_usage));
      if (include_usage) {
        // Byte for byte, field order included.
        EXPECT_EQ(json::serialize(assembled), json::serialize(completion));
      } else {
        EXPECT_FALSE(assembled.contains("usage"));  // a stream without usage does not carry it
        assembled["usage"] = completion.at("usage");
        EXPECT_EQ(assembled, completion);
      }
    }
  }
}

TEST(ChatStream, ToolCallArgumentsAreSplitAcrossDeltas) {
  auto chunks = chunks_of(render_chat_stream(obj(kCompletions[1]), false));
  int argument_deltas = 0;
  for (const auto& c : chunks) {
    for (const auto& choice : c.at("choices").as_array()) {
      const auto& delta = choice.at("delta").as_object();
      if (const auto* calls = delta.if_contains("tool_calls")) {
        const auto& call = calls->as_array().at(0).as_object();
        EXPECT_TRUE(call.contains("index"));
        if (!call.contains("id")) ++argument_deltas;
      }
    }
    EXPECT_EQ(c.at("object"), "chat.completion.chunk");
    EXPECT_EQ(c.at("id"), "chatcmpl-2");
  }
  EXPECT_EQ(argument_deltas, 2);
}

TEST(ChatStream, UsageChunkOnlyWhenAskedFor) {
  const auto completion = obj(kCompletions[0]);
  auto without = chunks_of(render_chat_stream(completion, false));
  for (const auto& c : without) EXPECT_FALSE(c.contains("usage"));
  auto with = chunks_of(render_chat_stream(completion, true));
  EXPECT_TRUE(with.back().at("choices").as_array().empty());
  EXPECT_EQ(with.back().at("usage"), completion.at("usage"));
  EXPECT_TRUE(with.front().at("usage").is_null());
}

// Chunks as real upstreams send them: interleaved choices, the id/type/name only in a tool
// call's first delta, argument pieces, a usage-only final chunk and the obfuscation padding.
TEST(ChatStream, AssemblesInterleavedChunksLikeTheSdks) {
  ChunkAssembler a;
  for (const char* c : {
           R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},"logprobs":null,"finish_reason":null}],"obfuscation":"xx"})",
           R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":1,"delta":{"role":"assistant","content":"B"},"finish_reason":null}]})",
           R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]},"finish_reason":null}]})",
           R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":null}]})",
           R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":1,"delta":{"content":"ye"},"finish_reason":null}]})",
           R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
       }) {
    a.add(obj(c));
  }
  EXPECT_FALSE(a.finished());  // choice 1 has not finished
  a.add(obj(R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":1,"delta":{},"finish_reason":"stop"}]})"));
  a.add(obj(R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"total_tokens":4}})"));
  ASSERT_TRUE(a.finished());
  const auto c = a.completion();
  EXPECT_EQ(c.at("object"), "chat.completion");
  EXPECT_EQ(c.at("system_fingerprint"), "fp");
  EXPECT_FALSE(c.contains("obfuscation"));
  EXPECT_EQ(c.at("usage").at("total_tokens").as_int64(), 4);
  const auto& choices = c.at("choices").as_array();
  ASSERT_EQ(choices.size(), 2u);
  const auto& call = choices[0].at("message").at("tool_calls").as_array().at(0).as_object();
  EXPECT_EQ(call.at("id"), "call_1");
  EXPECT_EQ(call.at("function").at("name"), "f");
  EXPECT_EQ(call.at("function").at("arguments"), "{\"a\":1}");
  EXPECT_FALSE(call.contains("index"));
  EXPECT_TRUE(choices[0].at("message").at("content").is_null());
  EXPECT_EQ(choices[1].at("message").at("content"), "Bye");
  EXPECT_EQ(judge_chat_completion(c), AnswerVerdict::reusable);
}

TEST(ChatStream, RelayHidesUsageFromACallerWhoDidNotAskForIt) {
  const std::string with_usage = R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"}}],"usage":null})";
  EXPECT_EQ(relay_chunk(with_usage, obj(with_usage), true), sse_data(with_usage));
  auto hidden = relay_chunk(with_usage, obj(with_usage), false);
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->find("usage"), std::string::npos);
  const std::string usage_only = R"({"id":"c","choices":[],"usage":{"total_tokens":3}})";
  EXPECT_FALSE(relay_chunk(usage_only, obj(usage_only), false));
  const std::string plain = R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"}}]})";
  EXPECT_EQ(relay_chunk(plain, obj(plain), false), sse_data(plain));  // untouched bytes
}

// The null usage member is cut out of the text where that is unambiguous; otherwise the chunk is
// re-serialised. Either way the caller gets the chunk's JSON without "usage" and nothing else changed.
TEST(ChatStream, RelayDropsANullUsageWhereverItSitsAndKeepsEverythingElse) {
  const std::string cases[] = {
      R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"}}],"usage":null})",
      R"({"usage":null,"id":"c","choices":[{"index":0,"delta":{"content":"x"}}]})",
      R"({"id":"c","usage":null,"choices":[{"index":0,"delta":{"content":"say \"usage\":null"}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"},"usage":null}],"usage":null})",
      R"({"id":"c", "choices":[{"index":0,"delta":{"content":"x"}}], "usage": null})",
  };
  for (const std::string& raw : cases) {
    auto relayed = relay_chunk(raw, obj(raw), false);
    ASSERT_TRUE(relayed) << raw;
    ASSERT_TRUE(relayed->starts_with("data: ") && relayed->ends_with("\n\n")) << *relayed;
    const std::string text = relayed->substr(6, relayed->size() - 8);
    json::object expected = obj(raw);
    expected.erase("usage");
    json::object got = obj(text);
    EXPECT_FALSE(got.contains("usage")) << raw;
    EXPECT_EQ(got, expected) << raw;
  }
  // The common case keeps the upstream's bytes apart from the member.
  EXPECT_EQ(relay_chunk(cases[0], obj(cases[0]), false),
            sse_data(R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"}}]})"));
}

}  // namespace
}  // namespace ragcache::openai
