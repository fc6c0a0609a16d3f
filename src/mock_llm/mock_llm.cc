#include "mock_llm/mock_llm.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/json.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <optional>

#include "base/hash.h"
#include "http/api_error.h"
#include "http/sse_writer.h"
#include "openai/embeddings_wire.h"
#include "openai/key_message.h"
#include "openai/response_stream.h"

namespace ragcache::mock {

namespace asio = boost::asio;
using http::ApiError;
using http::error_for_status;
using http::Headers;
using http::invalid_request;
using http::SseWriter;

// Which failure the request asks for, if any.
struct MockLlm::Injection {
  int status = 0;              // > 0: answer with this status
  bool stream_abort = false;
  std::optional<std::chrono::milliseconds> latency;
};
namespace json = boost::json;

namespace {

constexpr std::string_view kFingerprint = "fp_ragcache_mock";

// A fixed vocabulary so answers read like (meaningless) text.
constexpr std::array<std::string_view, 64> kWords = {
    "the",      "cache",   "answer",  "model",   "retrieval", "vector",   "context",  "question",
    "document", "stream",  "token",   "redis",   "latency",   "semantic", "query",    "result",
    "index",    "search",  "prompt",  "window",  "session",   "memory",   "fast",     "reliable",
    "simple",   "useful",  "every",   "request", "shared",    "local",    "remote",   "server",
    "client",   "with",    "from",    "into",    "over",      "under",    "and",      "or",
    "because",  "while",   "when",    "then",    "returns",   "stores",   "keeps",    "finds",
    "checks",   "reads",   "writes",  "counts",  "ranks",     "builds",   "of",       "a",
    "for",      "to",      "in",      "on",      "by",        "is",       "are",      "was"};

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t seed_to_u64(std::string_view seed) { return fnv1a_64(seed); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

using Injection = MockLlm::Injection;

Injection injection_for(const Request& req, std::string_view model) {
  Injection inj;
  std::string_view h = req.header("X-Mock-Error");
  if (h == "stream-abort") {
    inj.stream_abort = true;
  } else if (!h.empty()) {
    int s = 0;
    for (char c : h) s = (c >= '0' && c <= '9') ? s * 10 + (c - '0') : -100000;
    inj.status = (s >= 400 && s <= 599) ? s : 500;
  }
  constexpr std::string_view kPrefix = "mock-error-";
  if (inj.status == 0 && model.starts_with(kPrefix)) {
    int s = 0;
    for (char c : model.substr(kPrefix.size())) s = (c >= '0' && c <= '9') ? s * 10 + (c - '0') : -100000;
    inj.status = (s >= 400 && s <= 599) ? s : 500;
  }
  std::string_view lat = req.header("X-Mock-Latency-Ms");
  if (!lat.empty()) {
    long ms = 0;
    bool ok = true;
    for (char c : lat) {
      if (c < '0' || c > '9' || ms > 10'000'000) ok = false;
      else ms = ms * 10 + (c - '0');
    }
    if (ok) inj.latency = std::chrono::milliseconds(ms);
  }
  return inj;
}

asio::awaitable<void> sleep_for(std::chrono::nanoseconds d) {
  if (d <= std::chrono::nanoseconds::zero()) co_return;
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::use_awaitable);
}

std::chrono::nanoseconds token_interval(double tokens_per_sec) {
  if (tokens_per_sec <= 0) return std::chrono::nanoseconds::zero();
  return std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / tokens_per_sec));
}

asio::awaitable<void> send_injected(ResponseWriter& w, int status) {
  ApiError e = error_for_status(status, "Injected error " + std::to_string(status) + " (mock-llm)");
  e.code = "mock_injected";
  Headers extra;
  if (status == 429) extra.emplace_back("Retry-After", "1");
  co_await w.send_error(e, std::move(extra));
}

// Parses the body as a JSON object or answers 400; nullopt when it answered.
std::optional<json::object> parse_object(const std::string& body, std::string& error) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    error = "We could not parse the JSON body of your request: " + ec.message();
    return std::nullopt;
  }
  if (!v.is_object()) {
    error = "The request body must be a JSON object";
    return std::nullopt;
  }
  return std::move(v.get_object());
}

json::object usage_json(int prompt, int completion) {
  return json::object{{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
}

}  // namespace

std::string MockLlmStats::to_json() const {
  json::object o{{"chat_calls", chat_calls},         {"chat_stream_calls", chat_stream_calls},
                 {"responses_calls", responses_calls}, {"responses_stream_calls", responses_stream_calls},
                 {"embedding_calls", embedding_calls}, {"embedding_inputs", embedding_inputs},
                 {"model_calls", model_calls},       {"errors_injected", errors_injected},
                 {"bad_requests", bad_requests}};
  return json::serialize(o);
}

std::string mock_answer_seed(std::string_view model, const json::array& messages) {
  Sha256 h;
  h.update(model);
  h.update(std::string_view("\0", 1));
  for (const auto& m : messages) {
    if (!m.is_object()) continue;
    const auto& o = m.get_object();
    if (auto* role = o.if_contains("role"); role && role->is_string()) h.update(role->get_string());
    h.update(std::string_view("\x1f", 1));
    if (auto* content = o.if_contains("content")) h.update(openai::content_text(*content));
    h.update(std::string_view("\x1e", 1));
  }
  return h.finish_hex();
}

std::vector<std::string> mock_answer_tokens(std::string_view seed, int count) {
  std::vector<std::string> out;
  if (count <= 0) return out;
  out.reserve(static_cast<std::size_t>(count));
  std::uint64_t state = seed_to_u64(seed);
  for (int i = 0; i < count; ++i) {
    std::string word(kWords[splitmix64(state) % kWords.size()]);
    if (i == 0) {
      word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    } else {
      word.insert(word.begin(), ' ');
    }
    if (i == count - 1) word += '.';
    out.push_back(std::move(word));
  }
  return out;
}

int mock_token_count(std::string_view text) {
  int n = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    bool word_char = std::isalnum(c) || c >= 0x80;
    if (word_char) {
      if (!in_word) ++n;
      in_word = true;
    } else {
      in_word = false;
      if (!std::isspace(c)) ++n;  // punctuation counts as a token
    }
  }
  return n;
}

std::vector<float> mock_embedding(std::string_view text, int dimensions) {
  if (dimensions < 1) dimensions = 1;
  std::vector<float> v(static_cast<std::size_t>(dimensions), 0.0f);
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    std::uint64_t h = fnv1a_64(word);
    v[h % v.size()] += (h >> 63) ? 1.0f : -1.0f;
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      word.push_back(static_cast<char>(std::tolower(c)));
    } else {
      flush();
    }
  }
  flush();
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  if (norm == 0) {
    v[0] = 1.0f;  // no words: a fixed unit vector, still a valid embedding
    return v;
  }
  float inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : v) x *= inv;
  return v;
}

MockLlm::MockLlm(MockLlmOptions options) : options_(std::move(options)) {}

MockLlmStats MockLlm::stats() const {
  MockLlmStats s;
  s.chat_calls = chat_calls_.load();
  s.chat_stream_calls = chat_stream_calls_.load();
  s.responses_calls = responses_calls_.load();
  s.responses_stream_calls = responses_stream_calls_.load();
  s.embedding_calls = embedding_calls_.load();
  s.embedding_inputs = embedding_inputs_.load();
  s.model_calls = model_calls_.load();
  s.errors_injected = errors_injected_.load();
  s.bad_requests = bad_requests_.load();
  return s;
}

void MockLlm::reset() {
  for (auto* c : {&chat_calls_, &chat_stream_calls_, &responses_calls_, &responses_stream_calls_, &embedding_calls_, &embedding_inputs_, &model_calls_,
                  &errors_injected_, &bad_requests_}) {
    c->store(0);
  }
}

void MockLlm::add_routes(Router& router) {
  router.post("/v1/chat/completions", [this](Request& r, ResponseWriter& w) { return chat(r, w); });
  router.post("/v1/responses", [this](Request& r, ResponseWriter& w) { return responses(r, w); });
  router.post("/v1/embeddings", [this](Request& r, ResponseWriter& w) { return embeddings(r, w); });
  router.get("/v1/models", [this](Request& r, ResponseWriter& w) { return models(r, w); });
  router.get("/mock/stats", [this](Request&, ResponseWriter& w) -> asio::awaitable<void> {
    co_await w.send_json(200, stats().to_json());
  });
  router.post("/mock/reset", [this](Request&, ResponseWriter& w) -> asio::awaitable<void> {
    reset();
    co_await w.send_json(200, stats().to_json());
  });
}

namespace {

// What the mock answers one request with, in either API.
struct MockAnswer {
  std::vector<std::string> tokens;  // the text, token by token (empty for a tool call)
  std::string finish_reason = "stop";
  std::string tool_name;            // a call of this tool instead of text ("" = text)
  std::string tool_arguments;
  std::string call_id;
  int prompt_tokens = 0;
  int completion_tokens = 0;
};

// The first tool's name (function tools: {"type":"function","function":{"name"}} in chat,
// {"type":"function","name"} in the Responses API).
std::string first_tool_name(const json::object& body) {
  const auto* tools = body.if_contains("tools");
  if (!tools || !tools->is_array() || tools->as_array().empty()) return {};
  const auto* t = tools->as_array().front().if_object();
  if (!t) return {};
  if (const auto* fn = t->if_contains("function"); fn && fn->is_object()) {
    if (const auto* n = fn->as_object().if_contains("name"); n && n->is_string()) return std::string(n->as_string());
  }
  if (const auto* n = t->if_contains("name"); n && n->is_string()) return std::string(n->as_string());
  return "tool";
}

MockAnswer plan_answer(const MockLlmOptions& options, std::string_view model, const json::array& messages,
                       const json::object& body, int max_tokens) {
  MockAnswer a;
  std::string last_role, last_text;
  for (const auto& m : messages) {
    if (!m.is_object()) continue;
    const auto& o = m.get_object();
    if (const auto* c = o.if_contains("content")) {
      last_text = openai::content_text(*c);
      a.prompt_tokens += mock_token_count(last_text) + 4;
    }
    const auto* role = o.if_contains("role");
    last_role = role && role->is_string() ? std::string(role->as_string()) : std::string();
  }
  const std::string seed = mock_answer_seed(model, messages);
  if (auto tool = first_tool_name(body); !tool.empty() && last_role == "user") {
    a.tool_name = std::move(tool);
    a.tool_arguments = json::serialize(json::object{{"query", last_text}});
    a.call_id = "call_mock" + seed.substr(0, 20);
    a.finish_reason = "tool_calls";
    a.completion_tokens = mock_token_count(a.tool_arguments);
    return a;
  }
  int count = options.answer_tokens;
  if (max_tokens >= 0 && max_tokens < count) {
    count = max_tokens;
    a.finish_reason = "length";
  }
  a.tokens = mock_answer_tokens(seed, count);
  a.completion_tokens = count;
  return a;
}

std::string joined(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

// Validates like OpenAI does (one error, the first found) the fields both APIs share.
std::optional<ApiError> check_common(const json::object& body, bool& stream, int& max_tokens,
                                     std::initializer_list<const char*> max_token_fields) {
  const json::value* model_v = body.if_contains("model");
  if (!model_v || !model_v->is_string() || model_v->get_string().empty()) {
    return invalid_request("you must provide a model parameter", "model");
  }
  if (auto* s = body.if_contains("stream"); s && !s->is_null()) {
    if (!s->is_bool()) return invalid_request("'stream' must be a boolean", "stream");
    stream = s->get_bool();
  }
  for (const char* key : max_token_fields) {
    auto* mt = body.if_contains(key);
    if (!mt || mt->is_null() || max_tokens >= 0) continue;
    if (!mt->is_int64() || mt->get_int64() < 1) {
      return invalid_request(std::string("'") + key + "' must be a positive integer", key);
    }
    max_tokens = static_cast<int>(std::min<std::int64_t>(mt->get_int64(), 1'000'000));
  }
  return std::nullopt;
}

}  // namespace

asio::awaitable<bool> MockLlm::injected(const Injection& inj, ResponseWriter& w) {
  co_await sleep_for(inj.latency.value_or(options_.latency));
  if (inj.stream_abort) errors_injected_.fetch_add(1);
  if (!inj.status) co_return false;
  errors_injected_.fetch_add(1);
  co_await send_injected(w, inj.status);
  co_return true;
}

asio::awaitable<void> MockLlm::chat(Request& req, ResponseWriter& w) {
  std::string error;
  auto body = parse_object(req.body(), error);
  std::optional<ApiError> bad;
  bool stream = false, include_usage = false;
  int max_tokens = -1;
  if (!body) bad = invalid_request(error);
  if (!bad) bad = check_common(*body, stream, max_tokens, {"max_completion_tokens", "max_tokens"});
  const json::value* messages_v = body ? body->if_contains("messages") : nullptr;
  if (!bad && (!messages_v || !messages_v->is_array() || messages_v->get_array().empty())) {
    bad = invalid_request("'messages' must be a non-empty array", "messages");
  }
  if (bad) {
    bad_requests_.fetch_add(1);
    co_await w.send_error(*bad);
    co_return;
  }
  if (auto* so = body->if_contains("stream_options"); so && so->is_object()) {
    if (auto* iu = so->get_object().if_contains("include_usage"); iu && iu->is_bool()) include_usage = iu->get_bool();
  }
  const std::string model(body->at("model").get_string());
  const json::array& messages = messages_v->get_array();
  chat_calls_.fetch_add(1);
  if (stream) chat_stream_calls_.fetch_add(1);

  const Injection inj = injection_for(req, model);
  if (co_await injected(inj, w)) co_return;

  const MockAnswer a = plan_answer(options_, model, messages, *body, max_tokens);
  const std::string id = "chatcmpl-mock" + mock_answer_seed(model, messages).substr(0, 24);
  const std::int64_t created = unix_now();
  const auto interval = token_interval(options_.tokens_per_sec);
  const int count = static_cast<int>(a.tokens.size());
  json::array tool_calls;
  if (!a.tool_name.empty()) {
    tool_calls.push_back(json::object{{"id", a.call_id},
                                      {"type", "function"},
                                      {"function", json::object{{"name", a.tool_name}, {"arguments", a.tool_arguments}}}});
  }

  if (!stream) {
    if (inj.stream_abort) {
      w.abort();
      co_return;
    }
    co_await sleep_for(interval * count);
    json::object message{{"role", "assistant"},
                         {"content", a.tool_name.empty() ? json::value(joined(a.tokens)) : json::value(nullptr)},
                         {"refusal", nullptr}};
    if (!tool_calls.empty()) message["tool_calls"] = tool_calls;
    json::object choice{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr}, {"finish_reason", a.finish_reason}};
    json::object resp{{"id", id},
                      {"object", "chat.completion"},
                      {"created", created},
                      {"model", model},
                      {"system_fingerprint", kFingerprint},
                      {"choices", json::array{std::move(choice)}},
                      {"usage", usage_json(a.prompt_tokens, a.completion_tokens)}};
    co_await w.send_json(200, json::serialize(resp));
    co_return;
  }

  SseWriter sse(w);
  if (!co_await sse.start()) co_return;
  auto chunk = [&](json::object delta, json::value finish) {
    json::object choice{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", std::move(finish)}};
    json::object c{{"id", id},
                   {"object", "chat.completion.chunk"},
                   {"created", created},
                   {"model", model},
                   {"system_fingerprint", kFingerprint},
                   {"choices", json::array{std::move(choice)}}};
    if (include_usage) c["usage"] = nullptr;
    return json::serialize(c);
  };
  // (JSON built outside co_await expressions: GCC 12 mis-compiles braced string literals there.)
  const json::value first_content = a.tool_name.empty() ? json::value("") : json::value(nullptr);
  const std::string first = chunk(json::object{{"role", "assistant"}, {"content", first_content}, {"refusal", nullptr}}, nullptr);
  if (!co_await sse.event(first)) co_return;
  if (!a.tool_name.empty()) {
    // The call's identity, then its arguments in two pieces (as OpenAI splits them).
    const std::size_t half = a.tool_arguments.size() / 2;
    const std::string pieces[] = {
        chunk(json::object{{"tool_calls", json::array{json::object{{"index", 0}, {"id", a.call_id}, {"type", "function"},
                                                                    {"function", json::object{{"name", a.tool_name}, {"arguments", ""}}}}}}},
              nullptr),
        chunk(json::object{{"tool_calls", json::array{json::object{{"index", 0}, {"function", json::object{{"arguments", a.tool_arguments.substr(0, half)}}}}}}},
              nullptr),
        chunk(json::object{{"tool_calls", json::array{json::object{{"index", 0}, {"function", json::object{{"arguments", a.tool_arguments.substr(half)}}}}}}},
              nullptr)};
    for (const auto& piece : pieces) {
      if (!co_await sse.event(piece)) co_return;
    }
  }
  for (int i = 0; i < count; ++i) {
    if (inj.stream_abort && i == count / 2) {
      w.abort();
      co_return;
    }
    if (i > 0) co_await sleep_for(interval);
    const std::string piece = chunk(json::object{{"content", a.tokens[static_cast<std::size_t>(i)]}}, nullptr);
    if (!co_await sse.event(piece)) co_return;
  }
  if (inj.stream_abort) {
    w.abort();
    co_return;
  }
  const std::string last = chunk(json::object{}, json::value(a.finish_reason));
  if (!co_await sse.event(last)) co_return;
  if (include_usage) {
    json::object u{{"id", id},
                   {"object", "chat.completion.chunk"},
                   {"created", created},
                   {"model", model},
                   {"system_fingerprint", kFingerprint},
                   {"choices", json::array{}},
                   {"usage", usage_json(a.prompt_tokens, a.completion_tokens)}};
    const std::string usage = json::serialize(u);
    if (!co_await sse.event(usage)) co_return;
  }
  co_await sse.done();
}

namespace {

// The Responses API's `input` as chat messages (a string is one user message; a function call's
// output counts as a tool message).
json::array input_messages(const json::object& body) {
  json::array out;
  const auto* input = body.if_contains("input");
  if (input && input->is_string()) {
    out.push_back(json::object{{"role", "user"}, {"content", input->as_string()}});
  } else if (input && input->is_array()) {
    for (const auto& item : input->as_array()) {
      const auto* o = item.if_object();
      if (!o) continue;
      const auto* type = o->if_contains("type");
      if (type && type->is_string() && type->as_string() == "function_call_output") {
        const auto* output = o->if_contains("output");
        out.push_back(json::object{{"role", "tool"}, {"content", output ? *output : json::value("")}});
      } else if (o->contains("role")) {
        json::object m{{"role", o->at("role")}};
        if (const auto* c = o->if_contains("content")) m["content"] = *c;
        out.push_back(std::move(m));
      }
    }
  }
  return out;
}

json::object response_usage(const MockAnswer& a) {
  return json::object{{"input_tokens", a.prompt_tokens},
                      {"input_tokens_details", json::object{{"cached_tokens", 0}}},
                      {"output_tokens", a.completion_tokens},
                      {"output_tokens_details", json::object{{"reasoning_tokens", 0}}},
                      {"total_tokens", a.prompt_tokens + a.completion_tokens}};
}

json::object response_item(const MockAnswer& a, const std::string& seed, bool done) {
  if (!a.tool_name.empty()) {
    return json::object{{"id", "fc_mock" + seed.substr(0, 20)}, {"type", "function_call"},
                        {"status", done ? "completed" : "in_progress"}, {"arguments", done ? a.tool_arguments : ""},
                        {"call_id", a.call_id}, {"name", a.tool_name}};
  }
  json::array content;
  if (done) {
    content.push_back(json::object{{"type", "output_text"}, {"annotations", json::array()}, {"logprobs", json::array()},
                                   {"text", joined(a.tokens)}});
  }
  return json::object{{"id", "msg_mock" + seed.substr(0, 20)}, {"type", "message"},
                      {"status", done ? "completed" : "in_progress"}, {"content", std::move(content)},
                      {"role", "assistant"}};
}

// A Responses event as SSE, numbered.
struct EventCounter {
  std::int64_t next = 0;
  std::string operator()(std::string_view type, json::object fields) {
    json::object e{{"type", type}, {"sequence_number", next++}};
    for (auto& [k, v] : fields) e[k] = std::move(v);
    return openai::sse_event(type, json::serialize(e));
  }
};

}  // namespace

asio::awaitable<void> MockLlm::responses(Request& req, ResponseWriter& w) {
  std::string error;
  auto body = parse_object(req.body(), error);
  std::optional<ApiError> bad;
  bool stream = false;
  int max_tokens = -1;
  if (!body) bad = invalid_request(error);
  if (!bad) bad = check_common(*body, stream, max_tokens, {"max_output_tokens"});
  const json::array messages = body ? input_messages(*body) : json::array();
  if (!bad && messages.empty()) bad = invalid_request("'input' must be a non-empty string or array", "input");
  if (bad) {
    bad_requests_.fetch_add(1);
    co_await w.send_error(*bad);
    co_return;
  }
  const std::string model(body->at("model").get_string());
  responses_calls_.fetch_add(1);
  if (stream) responses_stream_calls_.fetch_add(1);
  if (co_await injected(injection_for(req, model), w)) co_return;
  const MockAnswer a = plan_answer(options_, model, messages, *body, max_tokens);
  const std::string seed = mock_answer_seed(model, messages);
  const bool incomplete = a.finish_reason == "length";
  json::object resp{{"id", "resp_mock" + seed.substr(0, 24)},
                    {"object", "response"},
                    {"created_at", unix_now()},
                    {"status", incomplete ? "incomplete" : "completed"},
                    {"error", nullptr},
                    {"incomplete_details", incomplete ? json::value(json::object{{"reason", "max_output_tokens"}})
                                                      : json::value(nullptr)},
                    {"model", model},
                    {"output", json::array{response_item(a, seed, true)}},
                    {"usage", response_usage(a)}};
  const auto interval = token_interval(options_.tokens_per_sec);
  if (!stream) {
    co_await sleep_for(interval * static_cast<int>(a.tokens.size()));
    co_await w.send_json(200, json::serialize(resp));
    co_return;
  }
  SseWriter sse(w);
  if (!co_await sse.start()) co_return;
  EventCounter event;
  json::object started = resp;
  started["status"] = "in_progress";
  started["output"] = json::array();
  started["usage"] = nullptr;
  const json::object item = response_item(a, seed, false);
  const json::value item_id = item.at("id");
  std::string head = event("response.created", json::object{{"response", started}});
  head += event("response.in_progress", json::object{{"response", started}});
  head += event("response.output_item.added", json::object{{"output_index", 0}, {"item", item}});
  if (a.tool_name.empty()) {
    head += event("response.content_part.added",
                  json::object{{"item_id", item_id}, {"output_index", 0}, {"content_index", 0},
                               {"part", json::object{{"type", "output_text"}, {"annotations", json::array()},
                                                     {"logprobs", json::array()}, {"text", ""}}}});
  }
  if (!co_await sse.raw(head)) co_return;
  for (std::size_t i = 0; i < a.tokens.size(); ++i) {
    if (i > 0) co_await sleep_for(interval);
    const std::string delta = event("response.output_text.delta",
                                    json::object{{"item_id", item_id}, {"output_index", 0}, {"content_index", 0},
                                                 {"delta", a.tokens[i]}, {"logprobs", json::array()}});
    if (!co_await sse.raw(delta)) co_return;
  }
  const json::object done_item = response_item(a, seed, true);
  std::string tail;
  if (a.tool_name.empty()) {
    const json::value& part = done_item.at("content").as_array().front();
    tail += event("response.output_text.done", json::object{{"item_id", item_id}, {"output_index", 0}, {"content_index", 0},
                                                            {"text", part.at("text")}, {"logprobs", json::array()}});
    tail += event("response.content_part.done",
                  json::object{{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"part", part}});
  } else {
    tail += event("response.function_call_arguments.delta",
                  json::object{{"item_id", item_id}, {"output_index", 0}, {"delta", a.tool_arguments}});
    tail += event("response.function_call_arguments.done",
                  json::object{{"item_id", item_id}, {"output_index", 0}, {"arguments", a.tool_arguments}});
  }
  tail += event("response.output_item.done", json::object{{"output_index", 0}, {"item", done_item}});
  tail += event(incomplete ? "response.incomplete" : "response.completed", json::object{{"response", resp}});
  if (!co_await sse.raw(tail)) co_return;
  co_await w.finish();
}

asio::awaitable<void> MockLlm::embeddings(Request& req, ResponseWriter& w) {
  std::string error;
  auto body = parse_object(req.body(), error);
  std::optional<ApiError> bad;
  if (!body) bad = invalid_request(error);
  const json::value* model_v = body ? body->if_contains("model") : nullptr;
  if (!bad && (!model_v || !model_v->is_string() || model_v->get_string().empty())) {
    bad = invalid_request("you must provide a model parameter", "model");
  }
  // input: a string, an array of strings, an array of token ids, or an array of such arrays.
  std::vector<std::string> inputs;
  if (!bad) {
    const json::value* in = body->if_contains("input");
    auto tokens_text = [](const json::array& a, std::string& out) {
      for (const auto& t : a) {
        if (!t.is_int64()) return false;
        out.append("t").append(std::to_string(t.get_int64())).append(" ");  // (GCC 12: no false -Wstringop-overflow)
      }
      return true;
    };
    if (!in) {
      bad = invalid_request("'input' is required", "input");
    } else if (in->is_string()) {
      inputs.emplace_back(in->get_string());
    } else if (in->is_array() && !in->get_array().empty()) {
      const auto& arr = in->get_array();
      if (arr[0].is_int64()) {
        std::string t;
        if (!tokens_text(arr, t)) bad = invalid_request("'input' token arrays must hold integers", "input");
        inputs.push_back(std::move(t));
      } else {
        for (const auto& item : arr) {
          if (item.is_string()) {
            inputs.emplace_back(item.get_string());
          } else if (item.is_array()) {
            std::string t;
            if (!tokens_text(item.get_array(), t)) bad = invalid_request("'input' token arrays must hold integers", "input");
            inputs.push_back(std::move(t));
          } else {
            bad = invalid_request("'input' must be a string or an array of strings", "input");
            break;
          }
        }
      }
    } else {
      bad = invalid_request("'input' must be a non-empty string or array", "input");
    }
  }
  int dims = options_.embedding_dimensions;
  bool base64 = false;
  if (!bad) {
    if (auto* d = body->if_contains("dimensions"); d && !d->is_null()) {
      if (!d->is_int64() || d->get_int64() < 1 || d->get_int64() > 16384) {
        bad = invalid_request("'dimensions' must be an integer between 1 and 16384", "dimensions");
      } else {
        dims = static_cast<int>(d->get_int64());
      }
    }
    if (auto* f = body->if_contains("encoding_format"); f && f->is_string()) {
      if (f->get_string() == "base64") base64 = true;
      else if (f->get_string() != "float") bad = invalid_request("'encoding_format' must be float or base64", "encoding_format");
    }
  }
  if (bad) {
    bad_requests_.fetch_add(1);
    co_await w.send_error(*bad);
    co_return;
  }
  const std::string model(model_v->get_string());
  embedding_calls_.fetch_add(1);
  embedding_inputs_.fetch_add(inputs.size());
  Injection inj = injection_for(req, model);
  co_await sleep_for(inj.latency.value_or(options_.latency));
  if (inj.status) {
    errors_injected_.fetch_add(1);
    co_await send_injected(w, inj.status);
    co_return;
  }
  json::array data;
  int prompt_tokens = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto v = mock_embedding(inputs[i], dims);
    prompt_tokens += mock_token_count(inputs[i]);
    json::object item{{"object", "embedding"}, {"index", i}};
    if (base64) {
      item["embedding"] = openai::embedding_to_base64(v);
    } else {
      json::array values;
      values.reserve(v.size());
      for (float x : v) values.emplace_back(static_cast<double>(x));
      item["embedding"] = std::move(values);
    }
    data.emplace_back(std::move(item));
  }
  json::object resp{{"object", "list"},
                    {"data", std::move(data)},
                    {"model", model},
                    {"usage", json::object{{"prompt_tokens", prompt_tokens}, {"total_tokens", prompt_tokens}}}};
  co_await w.send_json(200, json::serialize(resp));
}

asio::awaitable<void> MockLlm::models(Request&, ResponseWriter& w) {
  model_calls_.fetch_add(1);
  json::array data;
  for (const auto& m : options_.models) {
    data.emplace_back(json::object{{"id", m}, {"object", "model"}, {"created", 0}, {"owned_by", "ragcache-mock"}});
  }
  std::string out = json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}});
  co_await w.send_json(200, std::move(out));
}

}  // namespace ragcache::mock
