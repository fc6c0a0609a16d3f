#include "http/mock_llm.h"

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

namespace ragcache::http {

namespace asio = boost::asio;
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

// Text of a message `content`: a string, or the text parts of an array of content parts.
std::string content_text(const json::value& content) {
  if (content.is_string()) return std::string(content.get_string());
  std::string out;
  if (content.is_array()) {
    for (const auto& part : content.get_array()) {
      if (!part.is_object()) continue;
      if (auto* t = part.get_object().if_contains("text"); t && t->is_string()) {
        if (!out.empty()) out += '\n';
        out += t->get_string();
      }
    }
  }
  return out;
}

// Which failure the request asks for, if any.
struct Injection {
  int status = 0;              // > 0: answer with this status
  bool stream_abort = false;
  std::optional<std::chrono::milliseconds> latency;
};

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
    if (auto* content = o.if_contains("content")) h.update(content_text(*content));
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

std::string embedding_to_base64(const std::vector<float>& v) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(v.size() * 4, '\0');
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &v[i], 4);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xFF);
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                      static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

MockLlm::MockLlm(MockLlmOptions options) : options_(std::move(options)) {}

MockLlmStats MockLlm::stats() const {
  MockLlmStats s;
  s.chat_calls = chat_calls_.load();
  s.chat_stream_calls = chat_stream_calls_.load();
  s.embedding_calls = embedding_calls_.load();
  s.embedding_inputs = embedding_inputs_.load();
  s.model_calls = model_calls_.load();
  s.errors_injected = errors_injected_.load();
  s.bad_requests = bad_requests_.load();
  return s;
}

void MockLlm::reset() {
  for (auto* c : {&chat_calls_, &chat_stream_calls_, &embedding_calls_, &embedding_inputs_, &model_calls_,
                  &errors_injected_, &bad_requests_}) {
    c->store(0);
  }
}

void MockLlm::add_routes(Router& router) {
  router.post("/v1/chat/completions", [this](Request& r, ResponseWriter& w) { return chat(r, w); });
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

asio::awaitable<void> MockLlm::chat(Request& req, ResponseWriter& w) {
  // Validate like OpenAI does: one error, the first found.
  std::string error;
  auto body = parse_object(req.body(), error);
  std::optional<ApiError> bad;
  if (!body) bad = invalid_request(error);
  const json::value* model_v = body ? body->if_contains("model") : nullptr;
  const json::value* messages_v = body ? body->if_contains("messages") : nullptr;
  if (!bad && (!model_v || !model_v->is_string() || model_v->get_string().empty())) {
    bad = invalid_request("you must provide a model parameter", "model");
  }
  if (!bad && (!messages_v || !messages_v->is_array() || messages_v->get_array().empty())) {
    bad = invalid_request("'messages' must be a non-empty array", "messages");
  }
  bool stream = false, include_usage = false;
  int max_tokens = -1;
  if (!bad) {
    if (auto* s = body->if_contains("stream"); s && !s->is_null()) {
      if (!s->is_bool()) bad = invalid_request("'stream' must be a boolean", "stream");
      else stream = s->get_bool();
    }
    if (auto* so = body->if_contains("stream_options"); so && so->is_object()) {
      if (auto* iu = so->get_object().if_contains("include_usage"); iu && iu->is_bool()) include_usage = iu->get_bool();
    }
    for (const char* key : {"max_completion_tokens", "max_tokens"}) {
      auto* mt = body->if_contains(key);
      if (!mt || mt->is_null() || max_tokens >= 0) continue;
      if (!mt->is_int64() || mt->get_int64() < 1) {
        bad = invalid_request(std::string("'") + key + "' must be a positive integer", key);
      } else {
        max_tokens = static_cast<int>(std::min<std::int64_t>(mt->get_int64(), 1'000'000));
      }
    }
  }
  if (bad) {
    bad_requests_.fetch_add(1);
    co_await w.send_error(*bad);
    co_return;
  }
  const std::string model(model_v->get_string());
  const json::array& messages = messages_v->get_array();
  chat_calls_.fetch_add(1);
  if (stream) chat_stream_calls_.fetch_add(1);

  Injection inj = injection_for(req, model);
  co_await sleep_for(inj.latency.value_or(options_.latency));
  if (inj.status) {
    errors_injected_.fetch_add(1);
    co_await send_injected(w, inj.status);
    co_return;
  }
  if (inj.stream_abort) errors_injected_.fetch_add(1);

  int prompt_tokens = 0;
  for (const auto& m : messages) {
    if (m.is_object()) {
      if (auto* c = m.get_object().if_contains("content")) prompt_tokens += mock_token_count(content_text(*c)) + 4;
    }
  }
  const std::string seed = mock_answer_seed(model, messages);
  int count = options_.answer_tokens;
  std::string finish_reason = "stop";
  if (max_tokens >= 0 && max_tokens < count) {
    count = max_tokens;
    finish_reason = "length";
  }
  auto tokens = mock_answer_tokens(seed, count);
  const std::string id = "chatcmpl-mock" + seed.substr(0, 24);
  const std::int64_t created = unix_now();
  const auto interval = token_interval(options_.tokens_per_sec);

  if (!stream) {
    if (inj.stream_abort) {
      w.abort();
      co_return;
    }
    co_await sleep_for(interval * count);
    std::string content;
    for (const auto& t : tokens) content += t;
    json::object message{{"role", "assistant"}, {"content", content}, {"refusal", nullptr}};
    json::object choice{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr}, {"finish_reason", finish_reason}};
    json::object resp{{"id", id},
                      {"object", "chat.completion"},
                      {"created", created},
                      {"model", model},
                      {"system_fingerprint", kFingerprint},
                      {"choices", json::array{std::move(choice)}},
                      {"usage", usage_json(prompt_tokens, count)}};
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
  const std::string first = chunk(json::object{{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr);
  if (!co_await sse.event(first)) co_return;
  for (int i = 0; i < count; ++i) {
    if (inj.stream_abort && i == count / 2) {
      w.abort();
      co_return;
    }
    if (i > 0) co_await sleep_for(interval);
    const std::string piece = chunk(json::object{{"content", tokens[static_cast<std::size_t>(i)]}}, nullptr);
    if (!co_await sse.event(piece)) co_return;
  }
  if (inj.stream_abort) {
    w.abort();
    co_return;
  }
  const std::string last = chunk(json::object{}, json::value(finish_reason));
  if (!co_await sse.event(last)) co_return;
  if (include_usage) {
    json::object u{{"id", id},
                   {"object", "chat.completion.chunk"},
                   {"created", created},
                   {"model", model},
                   {"system_fingerprint", kFingerprint},
                   {"choices", json::array{}},
                   {"usage", usage_json(prompt_tokens, count)}};
    const std::string usage = json::serialize(u);
    if (!co_await sse.event(usage)) co_return;
  }
  co_await sse.done();
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
        out += "t" + std::to_string(t.get_int64()) + " ";
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
      item["embedding"] = embedding_to_base64(v);
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

}  // namespace ragcache::http
