// A conversation message as the cache sees it: what decides whether two requests may share an
// answer (the exact key), which question a semantic lookup asks, what the hot ranking counts.
//
// Every field of a message counts: role and content, and in `extras` everything else (name,
// tool_calls, tool_call_id, function_call, audio, refusal and fields this code has never heard
// of), each as name=compact JSON in sorted order. When in doubt two requests do not share.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace ragcache::openai {

struct KeyMessage {
  std::string role;
  std::string content;  // the text the model reads (see content_text)
  std::string extras;   // every other field, canonical; empty for a plain text message
};

// Content of a message as text: a string as is; an array of parts -> the text parts joined by
// '\n' (other parts as their compact JSON, so they still count); null -> "".
std::string content_text(const boost::json::value& content);

// One message object (a chat message, or a Responses input item) -> its key form.
KeyMessage key_message(const boost::json::object& message);
std::vector<KeyMessage> key_messages(const boost::json::array& messages);

// The text of the last user message ("" if none): the question of the hot ranking.
std::string last_user_text(const std::vector<KeyMessage>& messages);

// Only role and text: no tool call, no tool result, no other field that a text-only answer
// could not account for.
bool is_plain_text(const KeyMessage& m);

}  // namespace ragcache::openai
