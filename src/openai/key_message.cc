#include "openai/key_message.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <string_view>
#include <utility>

namespace ragcache::openai {
namespace json = boost::json;

namespace {

bool is_text_part(const json::object& part) {
  const auto* type = part.if_contains("type");
  const auto* text = part.if_contains("text");
  if (!type || !type->is_string() || !text || !text->is_string()) return false;
  const auto t = std::string_view(type->as_string());
  return t == "text" || t == "input_text" || t == "output_text";
}

}  // namespace

std::string content_text(const json::value& content) {
  if (content.is_string()) return std::string(content.as_string());
  if (content.is_null()) return {};
  if (!content.is_array()) return json::serialize(content);
  std::string out;
  bool first = true;
  for (const auto& part : content.as_array()) {
    if (!first) out += '\n';
    first = false;
    const auto* obj = part.if_object();
    if (obj && is_text_part(*obj)) {
      out += obj->at("text").as_string();
    } else {
      out += json::serialize(part);
    }
  }
  return out;
}

KeyMessage key_message(const json::object& m) {
  KeyMessage out;
  std::vector<std::pair<std::string_view, const json::value*>> rest;
  for (const auto& [name, value] : m) {
    if (name == "role") {
      if (value.is_string()) out.role = std::string(value.as_string());
    } else if (name == "content") {
      out.content = content_text(value);
    } else if (!value.is_null()) {
      rest.emplace_back(std::string_view(name), &value);
    }
  }
  // A content array holding anything but text parts (images, audio, files) is not plain text:
  // mark it so that it counts apart from a string that happens to read the same.
  if (const auto* c = m.if_contains("content"); c && c->is_array()) {
    for (const auto& part : c->as_array()) {
      if (!part.is_object() || !is_text_part(part.as_object())) {
        rest.emplace_back("content-parts", c);
        break;
      }
    }
  }
  std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, value] : rest) {
    out.extras += '\x1f';
    out.extras += name;
    out.extras += '=';
    out.extras += json::serialize(*value);
  }
  return out;
}

std::vector<KeyMessage> key_messages(const json::array& messages) {
  std::vector<KeyMessage> out;
  out.reserve(messages.size());
  for (const auto& v : messages) {
    if (const auto* m = v.if_object()) out.push_back(key_message(*m));
  }
  return out;
}

std::string last_user_text(const std::vector<KeyMessage>& messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->role == "user") return it->content;
  }
  return {};
}

bool is_plain_text(const KeyMessage& m) {
  if (m.role != "user" && m.role != "assistant" && m.role != "system" && m.role != "developer") return false;
  // "name" alone (a named participant) is still plain text; anything else is not.
  std::string_view extras = m.extras;
  constexpr std::string_view kName = "\x1fname=";
  if (extras.starts_with(kName)) {
    auto next = extras.find('\x1f', 1);
    extras = next == std::string_view::npos ? std::string_view() : extras.substr(next);
  }
  return extras.empty();
}

}  // namespace ragcache::openai
