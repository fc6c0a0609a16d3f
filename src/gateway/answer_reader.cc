#include "gateway/answer_reader.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/upstream_failure.h"

namespace ragcache::gateway {
namespace json = boost::json;

namespace {

// A failure the upstream reported inside a 200 answer: relayed as a 502 with its error.
Error failure_in_answer(std::string error_body) {
  UpstreamFailure f;
  f.status = 502;
  f.body = std::move(error_body);
  return upstream_failure_error(f);
}

}  // namespace

AnswerReader::AnswerReader(const AnswerFormat& format, bool stream, bool include_usage)
    : format_(format), stream_(stream), include_usage_(include_usage), folder_(format.folder()) {}

Result<std::string> AnswerReader::feed(std::string_view text) {
  std::string out;
  Result<void> status;
  splitter_.feed(text, [&](char tag, std::string_view json_text) {
    if (status) status = on_line(tag, json_text, out);
  });
  if (!status) return status.error();
  return out;
}

Result<void> AnswerReader::on_line(char tag, std::string_view json_text, std::string& out) {
  boost::system::error_code ec;
  // A stream's events are parsed into one block each (a reference-counted monotonic resource:
  // whatever a folder keeps of an event keeps its block alive), not one allocation per value;
  // a whole answer, which is kept, into the default resource.
  json::storage_ptr storage;
  if (tag == kEventTag) storage = json::make_shared_resource<json::monotonic_resource>(json_text.size() + 256);
  json::value doc = json::parse(json_text, ec, std::move(storage));
  if (ec || !doc.is_object()) return Error(Errc::upstream_protocol, "upstream sent something that is not a JSON object");
  json::object& o = doc.as_object();
  if (auto error = format_.stream_error(o)) return failure_in_answer(std::move(*error));
  if (tag == kAnswerTag) {
    if (const auto* e = o.if_contains("error"); e && !e->is_null()) {
      return failure_in_answer(json::serialize(json::object{{"error", *e}}));
    }
    whole_ = std::string(json_text);
    folder_->add_whole(std::move(o));
    return {};
  }
  if (tag != kEventTag) return Error(Errc::upstream_protocol, "unknown answer line");
  ++events_;
  if (stream_) {
    if (auto relayed = format_.relay(json_text, o, include_usage_)) out += *relayed;
  }
  folder_->add_event(o);
  return {};
}

const json::object& AnswerReader::answer() {
  if (answer_) return *answer_;
  if (!finished()) {
    static const json::object kNone;  // not complete yet: nothing to keep
    return kNone;
  }
  answer_ = folder_->take_answer();
  return *answer_;
}

std::string AnswerReader::answer_json() { return whole_ ? *whole_ : json::serialize(answer()); }

std::string AnswerReader::finish() {
  if (!stream_) return answer_json();
  if (events_ > 0) return std::string(format_.stream_end());
  return format_.render_stream(answer(), include_usage_);
}

}  // namespace ragcache::gateway
