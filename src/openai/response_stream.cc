#include "openai/response_stream.h"

#include <boost/json/serialize.hpp>

namespace ragcache::openai {
namespace json = boost::json;

namespace {

std::string_view string_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

std::int64_t int_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return -1;
}

bool is_terminal(std::string_view type) {
  return type == "response.completed" || type == "response.incomplete" || type == "response.failed";
}

}  // namespace

std::string_view event_type(const json::object& event) { return string_field(event, "type"); }

void ResponseAssembler::add(const json::object& event) {
  const auto type = event_type(event);
  if (is_terminal(type)) {
    if (const auto* r = event.if_contains("response"); r && r->is_object()) final_ = r->as_object();
    else final_ = json::object();
  } else if (type == "error") {
    error_ = event;
  } else if (type == "response.output_item.done") {
    const auto index = int_field(event, "output_index");
    if (const auto* item = event.if_contains("item"); item && index >= 0) items_[index] = *item;
  }
}

json::object ResponseAssembler::response() const {
  json::object r = final_ ? *final_ : json::object();
  auto* output = r.if_contains("output");
  const bool empty = !output || !output->is_array() || output->as_array().empty();
  if (empty && !items_.empty()) {
    json::array items;
    for (const auto& [index, item] : items_) items.push_back(item);
    r["output"] = std::move(items);
  }
  return r;
}

std::string sse_event(std::string_view type, std::string_view json_text) {
  std::string out;
  out.reserve(type.size() + json_text.size() + 16);
  out += "event: ";
  out += type;
  out += "\ndata: ";
  out += json_text;
  out += "\n\n";
  return out;
}

namespace {

class EventWriter {
 public:
  void emit(std::string_view type, json::object fields) {
    json::object event;
    event["type"] = type;
    event["sequence_number"] = sequence_++;
    for (auto& [k, v] : fields) event[k] = std::move(v);
    out_ += sse_event(type, json::serialize(event));
  }
  std::string take() { return std::move(out_); }

 private:
  std::int64_t sequence_ = 0;
  std::string out_;
};

json::object in_progress(const json::object& item) {
  json::object skeleton = item;
  if (skeleton.contains("status")) skeleton["status"] = "in_progress";
  const auto type = string_field(item, "type");
  if (type == "message") skeleton["content"] = json::array();
  if (type == "function_call") skeleton["arguments"] = "";
  if (type == "reasoning" && skeleton.contains("summary")) skeleton["summary"] = json::array();
  return skeleton;
}

json::object part_skeleton(const json::object& part) {
  json::object skeleton = part;
  const auto type = string_field(part, "type");
  if (type == "output_text") {
    skeleton["text"] = "";
    if (skeleton.contains("annotations")) skeleton["annotations"] = json::array();
  } else if (type == "refusal") {
    skeleton["refusal"] = "";
  }
  return skeleton;
}

void write_text_part(EventWriter& w, const json::object& where, const json::object& part) {
  const auto* logprobs = part.if_contains("logprobs");
  const json::value lp = logprobs ? *logprobs : json::value(json::array());
  const auto text = string_field(part, "text");
  json::object delta = where;
  delta["delta"] = text;
  delta["logprobs"] = lp;
  w.emit("response.output_text.delta", std::move(delta));
  if (const auto* annotations = part.if_contains("annotations"); annotations && annotations->is_array()) {
    std::int64_t k = 0;
    for (const auto& a : annotations->as_array()) {
      json::object added = where;
      added["annotation_index"] = k++;
      added["annotation"] = a;
      w.emit("response.output_text.annotation.added", std::move(added));
    }
  }
  json::object done = where;
  done["text"] = text;
  done["logprobs"] = lp;
  w.emit("response.output_text.done", std::move(done));
}

void write_message(EventWriter& w, const json::object& item, std::int64_t output_index) {
  const auto* content = item.if_contains("content");
  if (!content || !content->is_array()) return;
  std::int64_t content_index = 0;
  for (const auto& p : content->as_array()) {
    const auto* part = p.if_object();
    if (!part) continue;
    json::object where{{"item_id", item.contains("id") ? item.at("id") : json::value("")},
                       {"output_index", output_index},
                       {"content_index", content_index++}};
    json::object added = where;
    added["part"] = part_skeleton(*part);
    w.emit("response.content_part.added", std::move(added));
    const auto type = string_field(*part, "type");
    if (type == "output_text") {
      write_text_part(w, where, *part);
    } else if (type == "refusal") {
      json::object delta = where;
      delta["delta"] = string_field(*part, "refusal");
      w.emit("response.refusal.delta", std::move(delta));
      json::object done = where;
      done["refusal"] = string_field(*part, "refusal");
      w.emit("response.refusal.done", std::move(done));
    }
    json::object done = where;
    done["part"] = *part;
    w.emit("response.content_part.done", std::move(done));
  }
}

void write_function_call(EventWriter& w, const json::object& item, std::int64_t output_index) {
  json::object where{{"item_id", item.contains("id") ? item.at("id") : json::value("")},
                     {"output_index", output_index}};
  const auto arguments = string_field(item, "arguments");
  json::object delta = where;
  delta["delta"] = arguments;
  w.emit("response.function_call_arguments.delta", std::move(delta));
  json::object done = where;
  done["arguments"] = arguments;
  w.emit("response.function_call_arguments.done", std::move(done));
}

void write_reasoning(EventWriter& w, const json::object& item, std::int64_t output_index) {
  const auto* summary = item.if_contains("summary");
  if (!summary || !summary->is_array()) return;
  std::int64_t summary_index = 0;
  for (const auto& s : summary->as_array()) {
    const auto* part = s.if_object();
    if (!part) continue;
    json::object where{{"item_id", item.contains("id") ? item.at("id") : json::value("")},
                       {"output_index", output_index},
                       {"summary_index", summary_index++}};
    json::object added = where;
    added["part"] = json::object{{"type", part->contains("type") ? part->at("type") : json::value("summary_text")},
                                 {"text", ""}};
    w.emit("response.reasoning_summary_part.added", std::move(added));
    json::object delta = where;
    delta["delta"] = string_field(*part, "text");
    w.emit("response.reasoning_summary_text.delta", std::move(delta));
    json::object text_done = where;
    text_done["text"] = string_field(*part, "text");
    w.emit("response.reasoning_summary_text.done", std::move(text_done));
    json::object done = where;
    done["part"] = *part;
    w.emit("response.reasoning_summary_part.done", std::move(done));
  }
}

std::string_view terminal_type(const json::object& response) {
  const auto status = string_field(response, "status");
  if (status == "incomplete") return "response.incomplete";
  if (status == "failed") return "response.failed";
  return "response.completed";
}

}  // namespace

std::string render_response_stream(const json::object& response) {
  EventWriter w;
  json::object started = response;
  started["status"] = "in_progress";
  started["output"] = json::array();
  if (started.contains("usage")) started["usage"] = nullptr;
  if (started.contains("completed_at")) started["completed_at"] = nullptr;
  w.emit("response.created", json::object{{"response", started}});
  w.emit("response.in_progress", json::object{{"response", std::move(started)}});
  if (const auto* output = response.if_contains("output"); output && output->is_array()) {
    std::int64_t index = 0;
    for (const auto& v : output->as_array()) {
      const auto* item = v.if_object();
      if (!item) continue;
      w.emit("response.output_item.added", json::object{{"output_index", index}, {"item", in_progress(*item)}});
      const auto type = string_field(*item, "type");
      if (type == "message") write_message(w, *item, index);
      if (type == "function_call") write_function_call(w, *item, index);
      if (type == "reasoning") write_reasoning(w, *item, index);
      w.emit("response.output_item.done", json::object{{"output_index", index}, {"item", *item}});
      ++index;
    }
  }
  w.emit(terminal_type(response), json::object{{"response", response}});
  return w.take();
}

}  // namespace ragcache::openai
