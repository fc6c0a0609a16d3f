#include "http/gateway/answer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/gateway/cache_headers.h"
#include "http/gateway/upstream_chat.h"

namespace ragcache::gateway {
namespace {

namespace json = boost::json;

std::string sample_events() {
  return content_event("Hello") + content_event(", \"world\"\n") +
         finish_event("stop", "m-1", json::parse(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":7})"));
}

TEST(Answer, BuilderAcceptsAnySplit) {
  const std::string events = sample_events();
  for (std::size_t cut = 0; cut <= events.size(); ++cut) {
    AnswerBuilder b;
    auto first = b.add(std::string_view(events).substr(0, cut));
    auto second = b.add(std::string_view(events).substr(cut));
    EXPECT_EQ(first.size() + second.size(), 2u);
    EXPECT_EQ(b.content(), "Hello, \"world\"\n");
    EXPECT_TRUE(b.finished());
    EXPECT_EQ(b.finish_reason(), "stop");
    EXPECT_EQ(b.model(), "m-1");
    EXPECT_EQ(b.bad_lines(), 0u);
  }
}

TEST(Answer, RendersAChatCompletion) {
  AnswerBuilder b;
  b.add(sample_events());
  auto doc = json::parse(render_completion({"chatcmpl-x", 100, "asked-model"}, b)).as_object();
  EXPECT_EQ(doc.at("object"), "chat.completion");
  EXPECT_EQ(doc.at("model"), "asked-model");
  EXPECT_EQ(doc.at("choices").at(0).at("message").at("content"), "Hello, \"world\"\n");
  EXPECT_EQ(doc.at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(doc.at("usage").at("total_tokens"), 7);
}

TEST(Answer, RendersAnSseStreamThatEndsWithDone) {
  AnswerBuilder b;
  b.add(sample_events());
  ResponseIdentity id{"chatcmpl-y", 5, "m"};
  std::string sse = render_role_chunk(id) + render_content_chunk(id, "Hello") + render_final_chunks(id, b, true);
  EXPECT_EQ(sse.rfind("data: [DONE]\n\n"), sse.size() - 14);
  std::size_t events = 0, pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    ++events;
    pos += 6;
  }
  EXPECT_EQ(events, 5u);  // role, content, finish, usage, [DONE]
  EXPECT_NE(sse.find(R"("usage":{"prompt_tokens":3)"), std::string::npos);
  std::string without_usage = render_final_chunks(id, b, false);
  EXPECT_EQ(without_usage.find("\"usage\""), std::string::npos);
}

// The renderings are written as text for speed; they must equal serialising the objects
// OpenAI's format describes (the way they were first built), escaping included.
json::object oracle_chunk(const ResponseIdentity& id, json::array choices) {
  json::object o;
  o["id"] = id.id;
  o["object"] = "chat.completion.chunk";
  o["created"] = id.created;
  o["model"] = id.model;
  o["choices"] = std::move(choices);
  return o;
}

json::object oracle_choice(json::object delta, json::value finish) {
  json::object c;
  c["index"] = 0;
  c["delta"] = std::move(delta);
  c["logprobs"] = nullptr;
  c["finish_reason"] = std::move(finish);
  return c;
}

std::string oracle_sse(const json::object& o) { return "data: " + json::serialize(o) + "\n\n"; }

TEST(Answer, TextRenderingsEqualSerialisedObjects) {
  AnswerBuilder b;
  b.add(content_event("Tab\t, quote \", backslash \\, ctrl \x01, caf\xc3\xa9 </script>") +
        finish_event("length", "m-1", json::parse(R"({"prompt_tokens":3,"total_tokens":7})")));
  const ResponseIdentity id{"chatcmpl-\"odd\"", 1700000000, "model \"x\"\n"};

  json::object message;
  message["role"] = "assistant";
  message["content"] = b.content();
  message["refusal"] = nullptr;
  json::object choice;
  choice["index"] = 0;
  choice["message"] = std::move(message);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = "length";
  json::object completion;
  completion["id"] = id.id;
  completion["object"] = "chat.completion";
  completion["created"] = id.created;
  completion["model"] = id.model;
  completion["choices"] = json::array{std::move(choice)};
  completion["usage"] = b.usage();
  EXPECT_EQ(render_completion(id, b), json::serialize(completion));

  json::object role_delta;
  role_delta["role"] = "assistant";
  role_delta["content"] = "";
  EXPECT_EQ(render_role_chunk(id), oracle_sse(oracle_chunk(id, json::array{oracle_choice(role_delta, nullptr)})));
  json::object content_delta;
  content_delta["content"] = b.content();
  EXPECT_EQ(render_content_chunk(id, b.content()),
            oracle_sse(oracle_chunk(id, json::array{oracle_choice(content_delta, nullptr)})));
  auto usage_chunk = oracle_chunk(id, json::array{});
  usage_chunk["usage"] = b.usage();
  const std::string finish = oracle_sse(oracle_chunk(id, json::array{oracle_choice(json::object{}, "length")}));
  EXPECT_EQ(render_final_chunks(id, b, true), finish + oracle_sse(usage_chunk) + "data: [DONE]\n\n");
  EXPECT_EQ(render_final_chunks(id, b, false), finish + "data: [DONE]\n\n");

  AnswerBuilder unfinished;  // no finish event (yet): "stop", usage null
  unfinished.add(content_event("x"));
  auto doc = json::parse(render_completion(id, unfinished));
  EXPECT_EQ(doc.at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_TRUE(doc.at("usage").is_null());
}

TEST(Answer, BuilderReadsEveryKindOfContentBack) {
  // Plain ASCII takes a shortcut past the JSON parser; escapes and UTF-8 do not: same result.
  for (std::string text : {"plain words", "", " ", "{\"c\":\"x\"}", "tab\there", "quote \" and \\", "caf\xc3\xa9",
                           "\x7f del", "emoji \xf0\x9f\x98\x80", "a/b <tag>"}) {
    AnswerBuilder b;
    b.add(content_event(text) + finish_event("stop", "m", nullptr));
    EXPECT_EQ(b.content(), text);
    EXPECT_EQ(b.bad_lines(), 0u) << text;
  }
  AnswerBuilder strict;  // what the parser refuses stays refused: raw control bytes, bad UTF-8
  strict.add(std::string("{\"c\":\"a\x01b\"}\n{\"c\":\"\xff\"}\n"));
  EXPECT_EQ(strict.bad_lines(), 2u);
  EXPECT_EQ(strict.content(), "");
}

TEST(Answer, BuilderSkipsBadLinesAndKeepsAnUnfinishedOne) {
  AnswerBuilder b;
  auto pieces = b.add("not json\n[1,2]\n{\"x\":1}\n" + content_event("a") + "{\"c\":\"b");
  EXPECT_EQ(pieces, std::vector<std::string>{"a"});
  EXPECT_EQ(b.bad_lines(), 3u);
  pieces = b.add("c\"}\n");
  EXPECT_EQ(pieces, std::vector<std::string>{"bc"});
  EXPECT_EQ(b.content(), "abc");
  // Many lines at once (a cached answer holds one per upstream chunk): more than the arena.
  std::string many;
  for (int i = 0; i < 500; ++i) many += content_event("word" + std::to_string(i) + " ");
  AnswerBuilder big;
  EXPECT_EQ(big.add(many).size(), 500u);
  EXPECT_EQ(big.content().substr(0, 12), "word0 word1 ");
}

TEST(ChunkTranslator, TurnsOpenAiChunksIntoEvents) {
  ChunkTranslator t;
  auto a = t.translate(R"({"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})");
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->empty());
  auto b = t.translate(R"({"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]})");
  EXPECT_EQ(*b, content_event("hi"));
  auto c = t.translate(R"({"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]})");
  EXPECT_TRUE(c->empty());
  t.translate(R"({"model":"m","choices":[],"usage":{"total_tokens":9}})");
  EXPECT_TRUE(t.saw_finish());
  AnswerBuilder built;
  built.add(*b + t.finish());
  EXPECT_EQ(built.finish_reason(), "length");
  EXPECT_EQ(built.usage().at("total_tokens"), 9);
  EXPECT_FALSE(t.translate("not json").has_value());
  EXPECT_FALSE(t.translate(R"({"error":{"message":"boom"}})").has_value());
}

TEST(CompletionToEvents, GivesTheAnswerTheEquivalentChunksGive) {
  ChunkTranslator t;
  std::string from_chunks;
  for (const char* chunk : {R"({"model":"m-1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
                            R"({"model":"m-1","choices":[{"index":0,"delta":{"content":"Hello "}}]})",
                            R"({"model":"m-1","choices":[{"index":0,"delta":{"content":"world"}}]})",
                            R"({"model":"m-1","choices":[{"index":0,"delta":{},"finish_reason":"length"}]})",
                            R"({"model":"m-1","choices":[],"usage":{"total_tokens":7}})"}) {
    from_chunks += *t.translate(chunk);
  }
  from_chunks += t.finish();
  auto whole = completion_to_events(
      R"({"id":"x","object":"chat.completion","model":"m-1","choices":[{"index":1,"message":{"role":"assistant","content":"other"},"finish_reason":"stop"},)"
      R"({"index":0,"message":{"role":"assistant","content":"Hello world"},"finish_reason":"length"}],"usage":{"total_tokens":7}})");
  ASSERT_TRUE(whole.has_value()) << whole.error().message();
  EXPECT_EQ(whole->finish_reason, "length");
  AnswerBuilder a, b;
  a.add(from_chunks);
  b.add(whole->events);
  EXPECT_EQ(b.content(), "Hello world");
  EXPECT_EQ(b.content(), a.content());
  EXPECT_EQ(b.finish_reason(), a.finish_reason());
  EXPECT_EQ(b.model(), a.model());
  EXPECT_EQ(b.usage(), a.usage());
}

// The no-store path skips the events: parsing the completion and assigning it must leave the
// builder (and so the response) exactly as the events would.
TEST(CompletionToEvents, ParsedAnswerAssignsWhatTheEventsGive) {
  for (const char* completion :
       {R"({"model":"m-1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi \"there\"\n\u0001"},"finish_reason":"stop"}],"usage":{"total_tokens":7,"x":1.5}})",
        R"({"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[]},"finish_reason":"tool_calls"}]})",
        R"({"choices":[{"index":0,"message":{"content":""},"finish_reason":"length"}],"usage":null})"}) {
    SCOPED_TRACE(completion);
    auto events = completion_to_events(completion);
    auto parsed = parse_completion(completion);
    ASSERT_TRUE(events.has_value() && parsed.has_value());
    EXPECT_EQ(parsed->finish_reason, events->finish_reason);
    AnswerBuilder from_events, assigned;
    from_events.add(events->events);
    assigned.assign(parsed->content, parsed->finish_reason, parsed->model, parsed->usage);
    EXPECT_EQ(assigned.content(), from_events.content());
    EXPECT_EQ(assigned.finish_reason(), from_events.finish_reason());
    EXPECT_EQ(assigned.model(), from_events.model());
    EXPECT_EQ(assigned.usage(), from_events.usage());
    const ResponseIdentity id{"chatcmpl-1", 1, "asked"};
    EXPECT_EQ(render_completion(id, assigned), render_completion(id, from_events));
  }
  EXPECT_FALSE(parse_completion("not json").has_value());
  EXPECT_FALSE(parse_completion(R"({"error":{"message":"boom"}})").has_value());
  EXPECT_FALSE(parse_completion(R"({"choices":[{"index":0,"message":{"content":"x"}}]})").has_value());
}

TEST(CompletionToEvents, ToolCallsAndErrors) {
  auto tools = completion_to_events(
      R"({"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[]},"finish_reason":"tool_calls"}]})");
  ASSERT_TRUE(tools.has_value());
  AnswerBuilder b;
  b.add(tools->events);
  EXPECT_EQ(b.content(), "");
  EXPECT_EQ(b.finish_reason(), "tool_calls");
  EXPECT_TRUE(b.usage().is_null());
  EXPECT_FALSE(completion_to_events("not json").has_value());
  EXPECT_FALSE(completion_to_events(R"({"error":{"message":"boom"}})").has_value());
  EXPECT_FALSE(completion_to_events(R"({"choices":[{"index":0,"message":{"content":"x"}}]})").has_value());  // no finish
  EXPECT_FALSE(completion_to_events(R"({"choices":[]})").has_value());
}

TEST(CacheHeaders, XCacheAndRfc9211Status) {
  auto h = cache_headers(CacheResult::semantic, 0.93456);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].second, "SEMANTIC");
  EXPECT_EQ(h[1].first, "X-Cache-Similarity");
  EXPECT_EQ(h[1].second, "0.9346");
  EXPECT_EQ(cache_headers(CacheResult::hit)[1].second, "ragcache; hit");
  EXPECT_EQ(cache_headers(CacheResult::bypass, std::nullopt, "redis-unavailable")[1].second,
            "ragcache; fwd=bypass; detail=redis-unavailable");
}

TEST(CacheHeaders, RequestControls) {
  auto cc = parse_cache_control("max-age=0, No-Cache");
  EXPECT_TRUE(cc.no_cache);
  EXPECT_FALSE(cc.no_store);
  EXPECT_TRUE(parse_cache_control("no-store").no_store);
  EXPECT_EQ(parse_namespace("docs-v1.2_x").value(), "docs-v1.2_x");
  EXPECT_FALSE(parse_namespace("").has_value());
  EXPECT_FALSE(parse_namespace("has space").has_value());
  EXPECT_FALSE(parse_namespace(std::string(65, 'a')).has_value());
}

}  // namespace
}  // namespace ragcache::gateway

namespace ragcache::gateway {
namespace {

// The events are written as text on the hot path: byte for byte what serialising the objects gives.
TEST(AnswerEvents, TextFormMatchesSerialisedObjects) {
  const std::string texts[] = {"", "plain words.", "quote \" and \\ backslash", "tab\t newline\n ctrl \x01 del \x7f",
                               "caf\xc3\xa9 \xe2\x82\xac </script>", "\xff invalid utf-8"};
  for (const auto& t : texts) {
    json::object c;
    c["c"] = t;
    EXPECT_EQ(content_event(t), json::serialize(c) + "\n") << t;
    json::object f;
    f["f"] = t;
    f["m"] = "m-1";
    f["u"] = json::parse(R"({"prompt_tokens":3,"total_tokens":7})");
    EXPECT_EQ(finish_event(t, "m-1", f["u"]), json::serialize(f) + "\n") << t;
  }
}

}  // namespace
}  // namespace ragcache::gateway
