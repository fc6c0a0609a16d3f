#include "http/gateway/upstream_chat.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>

#include "http/gateway/answer.h"
#include "http/gateway/errors.h"
#include "http/sse_parser.h"

namespace ragcache::gateway {
namespace json = boost::json;

namespace {

// A JSON document parsed into a stack arena: its values live as long as the Scratch and cost no
// heap allocation (a chunk of a streamed answer, dozens per answer, used to cost more in malloc
// and free than in parsing). Larger documents spill into the heap, released with the Scratch.
struct Scratch {
  alignas(std::max_align_t) unsigned char arena[8192];
  json::monotonic_resource resource{arena, sizeof arena};
  json::value parse(std::string_view text, boost::system::error_code& ec) {
    return json::parse(text, ec, json::storage_ptr(&resource));
  }
};

}  // namespace

Result<std::string> ChunkTranslator::translate(std::string_view chunk_json) {
  boost::system::error_code ec;
  Scratch scratch;
  json::value v = scratch.parse(chunk_json, ec);
  if (ec || !v.is_object()) return Error(Errc::upstream_protocol, "chunk is not a JSON object");
  const auto& o = v.as_object();
  if (const auto* err = o.if_contains("error")) return upstream_status_error(502, json::serialize(*err));
  if (const auto* m = o.if_contains("model"); m && m->is_string()) model_ = std::string(m->as_string());
  if (const auto* u = o.if_contains("usage"); u && !u->is_null()) usage_ = *u;
  std::string events;
  if (const auto* choices = o.if_contains("choices"); choices && choices->is_array()) {
    for (const auto& c : choices->as_array()) {
      const auto* co = c.if_object();
      if (!co) continue;
      if (const auto* idx = co->if_contains("index"); idx && idx->is_int64() && idx->as_int64() != 0) continue;
      if (const auto* delta = co->if_contains("delta"); delta && delta->is_object()) {
        if (const auto* content = delta->as_object().if_contains("content"); content && content->is_string()) {
          if (!content->as_string().empty()) events += content_event(content->as_string());
        }
      }
      if (const auto* fr = co->if_contains("finish_reason"); fr && fr->is_string()) {
        finish_reason_ = std::string(fr->as_string());
      }
    }
  }
  return events;
}

std::string ChunkTranslator::finish() const { return finish_event(finish_reason_, model_, usage_); }

Result<CompletionAnswer> parse_completion(std::string_view completion_json) {
  boost::system::error_code ec;
  Scratch scratch;
  json::value v = scratch.parse(completion_json, ec);
  if (ec || !v.is_object()) return Error(Errc::upstream_protocol, "completion is not a JSON object");
  const auto& o = v.as_object();
  if (const auto* err = o.if_contains("error")) return upstream_status_error(502, json::serialize(*err));
  const json::object* choice = nullptr;
  if (const auto* choices = o.if_contains("choices"); choices && choices->is_array()) {
    for (const auto& c : choices->as_array()) {
      const auto* co = c.if_object();
      if (!co) continue;
      if (const auto* idx = co->if_contains("index"); idx && idx->is_int64() && idx->as_int64() != 0) continue;
      choice = co;
      break;
    }
  }
  const json::value* finish = choice ? choice->if_contains("finish_reason") : nullptr;
  if (!finish || !finish->is_string() || finish->as_string().empty()) {
    return Error(Errc::upstream_protocol, "upstream completion without a finish_reason");
  }
  CompletionAnswer out;
  out.finish_reason = std::string(finish->as_string());
  if (const auto* message = choice->if_contains("message"); message && message->is_object()) {
    if (const auto* content = message->as_object().if_contains("content"); content && content->is_string()) {
      out.content = std::string(content->as_string());
    }
  }
  if (const auto* m = o.if_contains("model"); m && m->is_string()) out.model = std::string(m->as_string());
  if (const auto* u = o.if_contains("usage"); u && !u->is_null()) out.usage = *u;  // copied out of the scratch arena
  return out;
}

Result<CompletionEvents> completion_to_events(std::string_view completion_json) {
  auto answer = parse_completion(completion_json);
  if (!answer) return answer.error();
  CompletionEvents out;
  if (!answer->content.empty()) out.events = content_event(answer->content);
  out.events += finish_event(answer->finish_reason, answer->model, answer->usage);
  out.finish_reason = std::move(answer->finish_reason);
  return out;
}

namespace {

// The plain (non-stream) call shared by complete_chat_upstream and complete_chat_answer: the
// upstream's chat.completion body, or the error.
boost::asio::awaitable<Result<std::string>> post_completion(http::UpstreamClient& upstream, json::object body,
                                                            http::Headers extra_headers) {
  body.erase("stream");
  body.erase("stream_options");  // only allowed with stream: true
  http::UpstreamRequest request;
  request.endpoint = "/chat/completions";
  request.body = json::serialize(body);
  request.headers = std::move(extra_headers);
  request.first_byte_timeout = upstream.options().total_timeout;  // the whole answer comes at once
  auto response = co_await upstream.send(std::move(request));
  if (!response) co_return response.error();
  if (!response->ok()) co_return upstream_status_error(response->status, response->body);
  co_return std::move(response->body);
}

}  // namespace

boost::asio::awaitable<Result<CompletionAnswer>> complete_chat_answer(http::UpstreamClient& upstream, json::object body,
                                                                      http::Headers extra_headers) {
  auto completion = co_await post_completion(upstream, std::move(body), std::move(extra_headers));
  if (!completion) co_return completion.error();
  co_return parse_completion(*completion);
}

boost::asio::awaitable<Result<UpstreamChatResult>> complete_chat_upstream(http::UpstreamClient& upstream,
                                                                          json::object body, const EventSink& sink,
                                                                          http::Headers extra_headers) {
  auto completion = co_await post_completion(upstream, std::move(body), std::move(extra_headers));
  if (!completion) co_return completion.error();
  auto events = completion_to_events(*completion);
  if (!events) co_return events.error();
  auto pushed = co_await sink(std::move(events->events));
  if (!pushed) co_return pushed.error();
  co_return UpstreamChatResult{std::move(events->finish_reason)};
}

boost::asio::awaitable<Result<UpstreamChatResult>> stream_chat_upstream(http::UpstreamClient& upstream,
                                                                        json::object body, const EventSink& sink,
                                                                        http::Headers extra_headers) {
  body["stream"] = true;
  json::object stream_options;
  stream_options["include_usage"] = true;
  body["stream_options"] = std::move(stream_options);
  http::UpstreamRequest request;
  request.endpoint = "/chat/completions";
  request.body = json::serialize(body);
  request.headers = std::move(extra_headers);
  request.headers.emplace_back("Accept", "text/event-stream");
  auto opened = co_await upstream.open_stream(std::move(request));
  if (!opened) co_return opened.error();
  http::UpstreamStream stream = std::move(*opened);
  if (stream.status() < 200 || stream.status() >= 300) {
    auto rest = co_await stream.read_all(1 << 20);
    co_return upstream_status_error(stream.status(), rest ? *rest : std::string());
  }
  http::SseParser parser;
  ChunkTranslator translator;
  std::vector<http::SseEvent> events;
  bool done = false;
  while (!done) {
    auto piece = co_await stream.next();
    if (!piece) co_return piece.error();
    if (!*piece) break;
    events.clear();
    if (!parser.feed(**piece, events)) co_return Error(Errc::upstream_protocol, "upstream SSE event too large");
    // The events of one read go to the sink together: one write to the caller (and one push
    // into the flight) per read, not per event, when the upstream is faster than we relay.
    std::string batch;
    for (const auto& ev : events) {
      if (ev.data == "[DONE]") {
        done = true;
        break;
      }
      if (ev.data.empty()) continue;
      auto out = translator.translate(ev.data);
      if (!out) co_return out.error();
      batch += *out;
    }
    if (!batch.empty()) {
      auto pushed = co_await sink(std::move(batch));
      if (!pushed) co_return pushed.error();
    }
  }
  // After [DONE] the body's last bytes may still be on their way: let them arrive in the
  // background so the connection is reused (closing it cost every request a new connection).
  http::UpstreamStream::discard_rest(std::move(stream));
  if (!translator.saw_finish()) co_return Error(Errc::upstream_protocol, "upstream stream ended without a finish_reason");
  auto pushed = co_await sink(translator.finish());
  if (!pushed) co_return pushed.error();
  co_return UpstreamChatResult{translator.finish_reason()};
}

}  // namespace ragcache::gateway
