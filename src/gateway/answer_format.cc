#include "gateway/answer_format.h"

#include <boost/json/serialize.hpp>

#include "openai/chat_stream.h"
#include "openai/json_fields.h"
#include "openai/response_stream.h"

namespace ragcache::gateway {
namespace json = boost::json;

namespace {

class ChatFolder final : public EventFolder {
 public:
  void add_event(const json::object& event) override { assembler_.add(event); }

 protected:
  bool stream_finished() const override { return assembler_.finished(); }
  json::object stream_answer() const override { return assembler_.completion(); }

 private:
  openai::ChunkAssembler assembler_;
};

class ResponseFolder final : public EventFolder {
 public:
  void add_event(const json::object& event) override { assembler_.add(event); }

 protected:
  bool stream_finished() const override { return assembler_.finished(); }
  json::object stream_answer() const override { return assembler_.response(); }

 private:
  openai::ResponseAssembler assembler_;
};

class ChatFormat final : public AnswerFormat {
 public:
  ApiKind kind() const override { return ApiKind::chat; }
  std::string_view endpoint() const override { return "/chat/completions"; }
  json::object upstream_body(json::object body, bool stream) const override {
    if (stream) {
      body["stream"] = true;
      json::object options;
      if (const auto* o = body.if_contains("stream_options"); o && o->is_object()) options = o->as_object();
      options["include_usage"] = true;
      body["stream_options"] = std::move(options);
    } else {
      body.erase("stream");
      body.erase("stream_options");  // only allowed with stream: true
    }
    return body;
  }
  std::unique_ptr<EventFolder> folder() const override { return std::make_unique<ChatFolder>(); }
  openai::AnswerVerdict judge(const json::object& answer) const override {
    return openai::judge_chat_completion(answer);
  }
  openai::AssistantTurn turn(const json::object& answer) const override { return openai::chat_assistant_turn(answer); }
  std::string render_stream(const json::object& answer, bool include_usage) const override {
    return openai::render_chat_stream(answer, include_usage);
  }
  std::optional<std::string> relay(std::string_view raw, const json::object& event, bool include_usage) const override {
    return openai::relay_chunk(raw, event, include_usage);
  }
  std::string_view stream_end() const override { return openai::kSseDone; }
  std::optional<std::string> stream_error(const json::object& event) const override {
    const auto* error = event.if_contains("error");
    if (!error || error->is_null()) return std::nullopt;
    return json::serialize(json::object{{"error", *error}});
  }
};

class ResponsesFormat final : public AnswerFormat {
 public:
  ApiKind kind() const override { return ApiKind::responses; }
  std::string_view endpoint() const override { return "/responses"; }
  json::object upstream_body(json::object body, bool stream) const override {
    if (stream) {
      body["stream"] = true;
    } else {
      body.erase("stream");
      body.erase("stream_options");
    }
    return body;
  }
  std::unique_ptr<EventFolder> folder() const override { return std::make_unique<ResponseFolder>(); }
  openai::AnswerVerdict judge(const json::object& answer) const override { return openai::judge_response(answer); }
  openai::AssistantTurn turn(const json::object& answer) const override {
    return openai::response_assistant_turn(answer);
  }
  std::string render_stream(const json::object& answer, bool) const override {
    return openai::render_response_stream(answer);
  }
  std::optional<std::string> relay(std::string_view raw, const json::object& event, bool) const override {
    return openai::sse_event(openai::event_type(event), raw);
  }
  std::string_view stream_end() const override { return {}; }
  std::optional<std::string> stream_error(const json::object& event) const override {
    if (openai::event_type(event) != "error") return std::nullopt;
    json::object error = openai::without_fields(event, {"type", "sequence_number"});
    if (!error.contains("type")) error["type"] = "server_error";
    return json::serialize(json::object{{"error", std::move(error)}});
  }
};

}  // namespace

const AnswerFormat& chat_format() {
  static const ChatFormat format;
  return format;
}

const AnswerFormat& responses_format() {
  static const ResponsesFormat format;
  return format;
}

const AnswerFormat& format_of(ApiKind kind) { return kind == ApiKind::chat ? chat_format() : responses_format(); }

}  // namespace ragcache::gateway
