#include "http/gateway/answer.h"

#include <boost/json/object.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstddef>

#include "base/random.h"

namespace ragcache::gateway {
namespace json = boost::json;

namespace {

// Printable ASCII without quote or backslash (nearly every answer) needs no escaping: copied as
// is; anything else goes through Boost.JSON.
void append_string(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      out += json::serialize(s);
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace

// Both events are written as text (what serialising a json::object {"c":...} / {"f","m","u"}
// gives, byte for byte): one per upstream chunk, on every generation.
std::string content_event(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 9);
  out += "{\"c\":";
  append_string(out, text);
  out += "}\n";
  return out;
}

std::string finish_event(std::string_view finish_reason, std::string_view model, const json::value& usage) {
  std::string out;
  out += "{\"f\":";
  append_string(out, finish_reason);
  out += ",\"m\":";
  append_string(out, model);
  out += ",\"u\":";
  out += json::serialize(usage);
  out += "}\n";
  return out;
}

namespace {

// The text of a content line {"c":"..."} whose string is plain printable ASCII (no escapes), the
// common case; nullopt for any other line (the JSON parser decides). Exactly what the parser
// would find: such a string means its own bytes.
std::optional<std::string_view> plain_content(std::string_view line) {
  constexpr std::string_view kOpen = R"({"c":")", kClose = R"("})";
  if (line.size() < kOpen.size() + kClose.size() || !line.starts_with(kOpen) || !line.ends_with(kClose)) {
    return std::nullopt;
  }
  std::string_view text = line.substr(kOpen.size(), line.size() - kOpen.size() - kClose.size());
  for (char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return std::nullopt;
  }
  return text;
}

}  // namespace

template <class OnPiece>
void AnswerBuilder::fold(std::string_view events, OnPiece&& on_piece) {
  // Hot path of every cache hit: a cached answer holds one line per upstream chunk (dozens).
  // One parser serves all lines and their values live in a stack-backed arena, so a line costs
  // no heap allocation; only an unfinished last line is copied (into partial_).
  std::string_view text = events;
  if (!partial_.empty()) {
    partial_.append(events);
    text = partial_;
  }
  alignas(std::max_align_t) unsigned char arena[8192];
  json::monotonic_resource mr(arena, sizeof arena);
  unsigned char parser_stack[512];
  json::parser parser(json::storage_ptr(), {}, parser_stack, sizeof parser_stack);
  std::size_t start = 0;
  for (;;) {
    auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) break;
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    if (line.empty()) continue;
    if (auto plain = plain_content(line)) {
      content_.append(*plain);
      on_piece(*plain);
      continue;
    }
    boost::system::error_code ec;
    parser.reset(&mr);
    parser.write(line, ec);
    json::value v = ec ? json::value() : parser.release();
    const auto* o = v.if_object();
    if (!o) {
      ++bad_lines_;
      continue;
    }
    if (const auto* c = o->if_contains("c"); c && c->is_string()) {
      content_.append(c->as_string());
      on_piece(std::string_view(c->as_string()));
    } else if (const auto* f = o->if_contains("f"); f && f->is_string()) {
      finish_reason_ = std::string(f->as_string());
      if (const auto* m = o->if_contains("m"); m && m->is_string()) model_ = std::string(m->as_string());
      if (const auto* u = o->if_contains("u")) usage_ = *u;  // copied into usage_'s own storage
    } else {
      ++bad_lines_;
    }
  }
  std::string rest(text.substr(start));  // (text may point into partial_)
  partial_ = std::move(rest);
}

std::vector<std::string> AnswerBuilder::add(std::string_view events) {
  std::vector<std::string> pieces;
  fold(events, [&](std::string_view piece) { pieces.emplace_back(piece); });
  return pieces;
}

std::size_t AnswerBuilder::absorb(std::string_view events) {
  std::size_t pieces = 0;
  fold(events, [&](std::string_view) { ++pieces; });
  return pieces;
}

void AnswerBuilder::assign(std::string content, std::string finish_reason, std::string model, json::value usage) {
  partial_.clear();
  content_ = std::move(content);
  finish_reason_ = std::move(finish_reason);
  model_ = std::move(model);
  usage_ = std::move(usage);
}

ResponseIdentity new_response_identity(std::string model) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return {"chatcmpl-" + random_token().substr(0, 24), std::chrono::duration_cast<std::chrono::seconds>(now).count(),
          std::move(model)};
}

namespace {

// The renderings are written as text rather than built as json::objects and serialised: they run
// for every answer served (every cache hit), and the object route cost more than the rest of a
// hit. Strings are escaped exactly as Boost.JSON does (append_string); the key order is
// the one OpenAI uses (answer_test.cc checks the output against the object route).

// {"id":...,"object":"<object>","created":...,"model":...
void open_object(std::string& out, const ResponseIdentity& id, std::string_view object) {
  out += "{\"id\":";
  append_string(out, id.id);
  out += ",\"object\":\"";
  out += object;
  out += "\",\"created\":";
  out += std::to_string(id.created);
  out += ",\"model\":";
  append_string(out, id.model);
}

// data: {"id":...,"object":"chat.completion.chunk","created":...,"model":...,"choices":[
void open_chunk(std::string& out, const ResponseIdentity& id) {
  out += "data: ";
  open_object(out, id, "chat.completion.chunk");
  out += ",\"choices\":[";
}

// {"index":0,"delta":<delta>,"logprobs":null,"finish_reason":<finish or null>}]}
void close_chunk_with_choice(std::string& out, std::string_view delta_json, std::optional<std::string_view> finish_reason) {
  out += "{\"index\":0,\"delta\":";
  out += delta_json;
  out += ",\"logprobs\":null,\"finish_reason\":";
  if (finish_reason) {
    append_string(out, *finish_reason);
  } else {
    out += "null";
  }
  out += "}]}\n\n";
}

}  // namespace

const std::string& final_finish_reason(const AnswerBuilder& answer) {
  static const std::string kStop = "stop";
  return answer.finished() ? answer.finish_reason() : kStop;
}

std::string render_completion_tail(const AnswerBuilder& answer) {
  std::string out;
  out.reserve(answer.content().size() + 256);
  out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
  append_string(out, answer.content());
  out += ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":";
  append_string(out, final_finish_reason(answer));
  out += "}],\"usage\":";
  out += json::serialize(answer.usage());
  out += '}';
  return out;
}

std::string render_completion(const ResponseIdentity& id, std::string_view completion_tail) {
  std::string out;
  out.reserve(completion_tail.size() + 128);
  open_object(out, id, "chat.completion");
  out += completion_tail;
  return out;
}

std::string render_completion(const ResponseIdentity& id, const AnswerBuilder& answer) {
  return render_completion(id, render_completion_tail(answer));
}

std::string render_role_chunk(const ResponseIdentity& id) {
  std::string out;
  open_chunk(out, id);
  close_chunk_with_choice(out, R"({"role":"assistant","content":""})", std::nullopt);
  return out;
}

std::string content_delta_json(std::string_view text) {
  std::string delta;
  delta.reserve(text.size() + 16);
  delta += "{\"content\":";
  append_string(delta, text);
  delta += '}';
  return delta;
}

std::string render_content_chunk_from_delta(const ResponseIdentity& id, std::string_view delta_json) {
  std::string out;
  out.reserve(delta_json.size() + 192);
  open_chunk(out, id);
  close_chunk_with_choice(out, delta_json, std::nullopt);
  return out;
}

std::string render_content_chunk(const ResponseIdentity& id, std::string_view text) {
  return render_content_chunk_from_delta(id, content_delta_json(text));
}

std::string render_final_chunks(const ResponseIdentity& id, std::string_view finish_reason, std::string_view usage_json,
                                bool include_usage) {
  std::string out;
  out.reserve(include_usage ? 512 + usage_json.size() : 256);
  open_chunk(out, id);
  close_chunk_with_choice(out, "{}", finish_reason);
  if (include_usage) {
    open_chunk(out, id);
    out.pop_back();  // the choices array is empty: "[" -> "[]"
    out += "[],\"usage\":";
    out += usage_json;
    out += "}\n\n";
  }
  out += "data: [DONE]\n\n";
  return out;
}

std::string render_final_chunks(const ResponseIdentity& id, const AnswerBuilder& answer, bool include_usage) {
  return render_final_chunks(id, final_finish_reason(answer), include_usage ? json::serialize(answer.usage()) : "",
                             include_usage);
}

}  // namespace ragcache::gateway
