#include "http/gateway/answer.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "base/random.h"

namespace ragcache::gateway {
namespace json = boost::json;

std::string content_event(std::string_view text) {
  json::object o;
  o["c"] = text;
  return json::serialize(o) + "\n";
}

std::string finish_event(std::string_view finish_reason, std::string_view model, const json::value& usage) {
  json::object o;
  o["f"] = finish_reason;
  o["m"] = model;
  o["u"] = usage;
  return json::serialize(o) + "\n";
}

std::vector<std::string> AnswerBuilder::add(std::string_view events) {
  std::vector<std::string> pieces;
  partial_.append(events);
  std::size_t start = 0;
  for (;;) {
    auto nl = partial_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(partial_.data() + start, nl - start);
    start = nl + 1;
    if (line.empty()) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (!o) {
      ++bad_lines_;
      continue;
    }
    if (const auto* c = o->if_contains("c"); c && c->is_string()) {
      content_.append(c->as_string());
      pieces.emplace_back(c->as_string());
    } else if (const auto* f = o->if_contains("f"); f && f->is_string()) {
      finish_reason_ = std::string(f->as_string());
      if (const auto* m = o->if_contains("m"); m && m->is_string()) model_ = std::string(m->as_string());
      if (const auto* u = o->if_contains("u")) usage_ = *u;
    } else {
      ++bad_lines_;
    }
  }
  partial_.erase(0, start);
  return pieces;
}

ResponseIdentity new_response_identity(std::string model) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return {"chatcmpl-" + random_token().substr(0, 24), std::chrono::duration_cast<std::chrono::seconds>(now).count(),
          std::move(model)};
}

namespace {

json::object chunk_base(const ResponseIdentity& id) {
  json::object o;
  o["id"] = id.id;
  o["object"] = "chat.completion.chunk";
  o["created"] = id.created;
  o["model"] = id.model;
  return o;
}

std::string sse(const json::object& o) { return "data: " + json::serialize(o) + "\n\n"; }

json::object choice_delta(json::object delta, json::value finish_reason) {
  json::object choice;
  choice["index"] = 0;
  choice["delta"] = std::move(delta);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = std::move(finish_reason);
  return choice;
}

}  // namespace

std::string render_completion(const ResponseIdentity& id, const AnswerBuilder& answer) {
  json::object message;
  message["role"] = "assistant";
  message["content"] = answer.content();
  message["refusal"] = nullptr;
  json::object choice;
  choice["index"] = 0;
  choice["message"] = std::move(message);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = answer.finished() ? json::value(answer.finish_reason()) : json::value("stop");
  json::object o;
  o["id"] = id.id;
  o["object"] = "chat.completion";
  o["created"] = id.created;
  o["model"] = id.model;
  o["choices"] = json::array{std::move(choice)};
  o["usage"] = answer.usage();
  return json::serialize(o);
}

std::string render_role_chunk(const ResponseIdentity& id) {
  json::object delta;
  delta["role"] = "assistant";
  delta["content"] = "";
  auto o = chunk_base(id);
  o["choices"] = json::array{choice_delta(std::move(delta), nullptr)};
  return sse(o);
}

std::string render_content_chunk(const ResponseIdentity& id, std::string_view text) {
  json::object delta;
  delta["content"] = text;
  auto o = chunk_base(id);
  o["choices"] = json::array{choice_delta(std::move(delta), nullptr)};
  return sse(o);
}

std::string render_final_chunks(const ResponseIdentity& id, const AnswerBuilder& answer, bool include_usage) {
  auto o = chunk_base(id);
  o["choices"] = json::array{choice_delta(json::object{}, json::value(answer.finished() ? answer.finish_reason() : "stop"))};
  std::string out = sse(o);
  if (include_usage) {
    auto u = chunk_base(id);
    u["choices"] = json::array{};
    u["usage"] = answer.usage();
    out += sse(u);
  }
  out += "data: [DONE]\n\n";
  return out;
}

}  // namespace ragcache::gateway
