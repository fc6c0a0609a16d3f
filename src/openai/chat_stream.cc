#include "openai/chat_stream.h"

#include <string.h>  // memmem (GNU)

#include <boost/json/serialize.hpp>
#include <utility>
#include <vector>

#include "openai/delta_merge.h"
#include "openai/json_fields.h"

namespace ragcache::openai {
namespace json = boost::json;

namespace {

// Fields of a chunk that are not part of the completion it describes: `obfuscation` pads
// chunks against length side channels and means nothing once assembled.
bool is_chunk_only(std::string_view key) { return key == "object" || key == "obfuscation"; }

std::int64_t choice_index(const json::object& choice) {
  const auto* i = choice.if_contains("index");
  if (i && i->is_int64()) return i->as_int64();
  if (i && i->is_uint64()) return static_cast<std::int64_t>(i->as_uint64());
  return 0;
}

// The message's fields in the order a completion shows them: role, content, refusal, then the
// rest as they came; tool calls lose the stream's `index`.
json::object finish_message(const json::object& assembled) {
  json::object m;
  const auto* role = assembled.if_contains("role");
  m["role"] = role ? *role : json::value("assistant");
  const auto* content = assembled.if_contains("content");
  m["content"] = content ? *content : json::value(nullptr);
  if (const auto* refusal = assembled.if_contains("refusal")) m["refusal"] = *refusal;
  for (const auto& [k, v] : assembled) {
    if (k == "role" || k == "content" || k == "refusal") continue;
    if (k == "tool_calls" && v.is_array()) {
      json::array calls;
      for (const auto& c : v.as_array()) {
        calls.push_back(c.is_object() ? json::value(without_fields(c.as_object(), {"index"})) : c);
      }
      m[k] = std::move(calls);
    } else {
      m[k] = v;
    }
  }
  return m;
}

}  // namespace

void ChunkAssembler::add(const json::object& chunk) {
  for (const auto& [k, v] : chunk) {
    if (k == "choices" || is_chunk_only(k)) continue;
    if (k == "usage") {
      if (!v.is_null()) {
        usage_ = v;
        saw_usage_ = true;
      }
      continue;
    }
    top_[k] = v;
  }
  const auto* choices = chunk.if_contains("choices");
  if (!choices || !choices->is_array()) return;
  for (const auto& c : choices->as_array()) {
    const auto* choice = c.if_object();
    if (!choice) continue;
    auto& into = choices_[choice_index(*choice)];
    for (const auto& [k, v] : *choice) {
      if (k == "delta") {
        if (!v.is_object()) continue;
        auto* message = into.if_contains("message");
        if (!message) message = &(into["message"] = json::object());
        merge_delta(message->as_object(), v.as_object());
      } else if (k == "logprobs" || k == "finish_reason") {
        // Null until the end: a null must not erase a value, nor a value be appended to.
        if (!into.if_contains(k) || !v.is_null()) {
          if (k == "logprobs" && v.is_object() && into.if_contains(k) && into[k].is_object()) {
            merge_delta(into[k].as_object(), v.as_object());
          } else {
            into[k] = v;
          }
        }
      } else if (k != "index") {
        into[k] = v;
      }
    }
  }
}

bool ChunkAssembler::finished() const {
  if (choices_.empty()) return false;
  for (const auto& [index, choice] : choices_) {
    const auto* f = choice.if_contains("finish_reason");
    if (!f || !f->is_string()) return false;
  }
  return true;
}

json::object ChunkAssembler::completion() const {
  json::object out;
  for (const char* k : {"id", "object", "created", "model"}) {
    if (std::string_view(k) == "object") {
      out["object"] = "chat.completion";
    } else if (const auto* v = top_.if_contains(k)) {
      out[k] = *v;
    }
  }
  json::array choices;
  for (const auto& [index, c] : choices_) {
    json::object choice;
    choice["index"] = index;
    const auto* message = c.if_contains("message");
    choice["message"] = finish_message(message && message->is_object() ? message->as_object() : json::object());
    const auto* logprobs = c.if_contains("logprobs");
    choice["logprobs"] = logprobs ? *logprobs : json::value(nullptr);
    const auto* finish = c.if_contains("finish_reason");
    choice["finish_reason"] = finish ? *finish : json::value(nullptr);
    for (const auto& [k, v] : c) {
      if (k != "message" && k != "logprobs" && k != "finish_reason") choice[k] = v;
    }
    choices.push_back(std::move(choice));
  }
  out["choices"] = std::move(choices);
  if (saw_usage_) out["usage"] = usage_;
  for (const auto& [k, v] : top_) {
    if (!out.contains(k)) out[k] = v;
  }
  return out;
}

std::string sse_data(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size() + 8);
  out += "data: ";
  out += json_text;
  out += "\n\n";
  return out;
}

namespace {

// Writes the chunks of one stream: each one the completion's top-level fields around one
// choice delta.
class ChunkWriter {
 public:
  ChunkWriter(const json::object& completion, bool include_usage) : include_usage_(include_usage) {
    for (const auto& [k, v] : completion) {
      if (k == "choices" || k == "usage") continue;
      header_[k] = k == "object" ? json::value("chat.completion.chunk") : v;
    }
    if (!header_.contains("object")) header_["object"] = "chat.completion.chunk";
  }

  void choice(std::int64_t index, json::object delta, json::value logprobs, json::value finish) {
    json::object choice;
    choice["index"] = index;
    choice["delta"] = std::move(delta);
    choice["logprobs"] = std::move(logprobs);
    choice["finish_reason"] = std::move(finish);
    json::object chunk = header_;
    chunk["choices"] = json::array{std::move(choice)};
    if (include_usage_) chunk["usage"] = nullptr;
    out_ += sse_data(json::serialize(chunk));
  }

  std::string finish(const json::value* usage) {
    if (include_usage_) {
      json::object chunk = header_;
      chunk["choices"] = json::array();
      chunk["usage"] = usage ? *usage : json::value(nullptr);
      out_ += sse_data(json::serialize(chunk));
    }
    out_ += kSseDone;
    return std::move(out_);
  }

 private:
  json::object header_;
  bool include_usage_;
  std::string out_;
};

// The deltas of one tool call: its identity with empty arguments, then the arguments (as
// OpenAI streams them). A call of another type goes whole.
void write_tool_calls(ChunkWriter& w, std::int64_t index, const json::array& calls) {
  for (std::size_t k = 0; k < calls.size(); ++k) {
    const auto* call = calls[k].if_object();
    if (!call) continue;
    json::object head;
    head["index"] = static_cast<std::int64_t>(k);
    for (const auto& [f, v] : *call) head[f] = v;
    json::value arguments;
    if (auto* fn = head.if_contains("function"); fn && fn->is_object()) {
      if (auto* args = fn->as_object().if_contains("arguments"); args && args->is_string() && !args->as_string().empty()) {
        arguments = *args;
        *args = "";
      }
    }
    w.choice(index, json::object{{"tool_calls", json::array{std::move(head)}}}, nullptr, nullptr);
    if (!arguments.is_null()) {
      json::object tail{{"index", static_cast<std::int64_t>(k)}, {"function", json::object{{"arguments", arguments}}}};
      w.choice(index, json::object{{"tool_calls", json::array{std::move(tail)}}}, nullptr, nullptr);
    }
  }
}

void write_choice(ChunkWriter& w, const json::object& choice) {
  const std::int64_t index = choice_index(choice);
  static const json::object kEmpty;
  const auto* mv = choice.if_contains("message");
  const json::object& m = mv && mv->is_object() ? mv->as_object() : kEmpty;
  const auto* content = m.if_contains("content");
  const auto* refusal = m.if_contains("refusal");
  const auto* logprobs = choice.if_contains("logprobs");
  json::value pending_logprobs = logprobs ? *logprobs : json::value(nullptr);

  json::object first;
  const auto* role = m.if_contains("role");
  first["role"] = role ? *role : json::value("assistant");
  first["content"] = content && content->is_string() ? json::value("") : json::value(nullptr);
  if (refusal) first["refusal"] = nullptr;
  w.choice(index, std::move(first), nullptr, nullptr);

  // The logprobs go with the first delta that carries text: their arrays then concatenate to
  // the completion's.
  if (content && content->is_string() && !content->as_string().empty()) {
    w.choice(index, json::object{{"content", *content}}, std::exchange(pending_logprobs, nullptr), nullptr);
  }
  if (refusal && refusal->is_string() && !refusal->as_string().empty()) {
    w.choice(index, json::object{{"refusal", *refusal}}, std::exchange(pending_logprobs, nullptr), nullptr);
  }
  for (const auto& [k, v] : m) {
    if (k == "role" || k == "content" || k == "refusal" || v.is_null()) continue;
    if (k == "tool_calls" && v.is_array()) {
      write_tool_calls(w, index, v.as_array());
    } else {
      w.choice(index, json::object{{k, v}}, nullptr, nullptr);
    }
  }
  const auto* finish = choice.if_contains("finish_reason");
  w.choice(index, json::object(), std::move(pending_logprobs), finish ? *finish : json::value(nullptr));
}

}  // namespace

std::string render_chat_stream(const json::object& completion, bool include_usage) {
  ChunkWriter w(completion, include_usage);
  if (const auto* choices = completion.if_contains("choices"); choices && choices->is_array()) {
    for (const auto& c : choices->as_array()) {
      if (const auto* choice = c.if_object()) write_choice(w, *choice);
    }
  }
  return w.finish(completion.if_contains("usage"));
}

namespace {

// Where "usage" first occurs in raw, from `from` (memmem: string_view::find calls memchr for
// every quote of the JSON before comparing).
std::size_t find_usage_key(std::string_view raw, std::size_t from) {
  constexpr std::string_view kKey = "\"usage\"";
  if (from >= raw.size()) return std::string_view::npos;
  const void* hit = ::memmem(raw.data() + from, raw.size() - from, kKey.data(), kKey.size());
  return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - raw.data()) : std::string_view::npos;
}

// The SSE data line of `raw` without its top-level `"usage":null` member, cut out of the text
// (every chunk of a stream the gateway asked usage for carries one; re-serialising each chunk to
// drop it doubled a streamed pass-through's cost). Only when the text names "usage" exactly
// once, compactly: a quote inside a JSON string is escaped, so that one occurrence is the
// top-level key the parsed chunk says is null. Otherwise nullopt (the caller re-serialises).
std::optional<std::string> sse_data_without_null_usage(std::string_view raw) {
  constexpr std::string_view kMember = "\"usage\":null";
  const auto at = find_usage_key(raw, 0);
  if (at == std::string_view::npos || find_usage_key(raw, at + 1) != std::string_view::npos) return std::nullopt;
  if (raw.substr(at, kMember.size()) != kMember) return std::nullopt;
  std::size_t begin = at, end = at + kMember.size();
  if (begin > 0 && raw[begin - 1] == ',') {
    --begin;  // ...,"usage":null
  } else if (end < raw.size() && raw[end] == ',') {
    ++end;  // {"usage":null,...
  } else {
    return std::nullopt;
  }
  std::string out;
  out.reserve(raw.size() + 8);
  out.append("data: ").append(raw.substr(0, begin)).append(raw.substr(end)).append("\n\n");
  return out;
}

}  // namespace

std::optional<std::string> relay_chunk(std::string_view raw, const json::object& chunk, bool include_usage) {
  const auto* usage = chunk.if_contains("usage");
  if (include_usage || !usage) return sse_data(raw);
  const auto* choices = chunk.if_contains("choices");
  if (!usage->is_null() && choices && choices->is_array() && choices->as_array().empty()) return std::nullopt;
  if (usage->is_null()) {
    if (auto cut = sse_data_without_null_usage(raw)) return cut;
  }
  return sse_data(json::serialize(without_fields(chunk, {"usage"})));
}

}  // namespace ragcache::openai
