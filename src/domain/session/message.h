// One chat message of a session, and its stored form.
//
// A message is stored in `session:{sid}:log` as one compact JSON object, id and tokens first
// (the append script relies on that order to trim without decoding JSON):
//   {"id":"...","tokens":12,"role":"user","content":"...","name":"...","tool_call_id":"...",
//    "tool_calls":[...],"ts":1732665600000}
// (name, tool_call_id and tool_calls only when set). `tokens` is what the message costs in the
// window: its content, role and name tokens plus the chat format's per-message overhead
// (token_counter.h). `ts` is the append time in Unix milliseconds.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ragcache::session {

struct Message {
  // Client message id. Appending an id already in the window is a no-op, so a retry after a
  // timeout is safe. Empty on input: a random id is made for it.
  std::string id;
  std::string role;  // system | user | assistant | tool | developer
  std::string content;
  std::optional<std::string> name;           // the participant's name
  std::optional<std::string> tool_call_id;   // role "tool": the call this answers
  std::optional<boost::json::value> tool_calls;  // role "assistant": OpenAI's tool_calls array
  // Input only: the content's token count as the caller knows it (e.g. usage.completion_tokens
  // of an answer); unset: the session's TokenCounter counts it. Overhead is added either way.
  std::optional<std::size_t> content_tokens;
  // Set by the store: the message's cost in the window, and its append time (Unix ms).
  std::size_t tokens = 0;
  std::int64_t time_ms = 0;
};

bool is_valid_role(std::string_view role);

// The stored form: compact JSON with id, role, content, optional fields, tokens and ts.
std::string to_stored_json(const Message& m);
// Parses the stored form back; Errc::corrupt_state if it is not what to_stored_json writes.
Result<Message> from_stored_json(std::string_view json);

// The message as the OpenAI chat API takes it: role, content and the optional name/tool fields.
boost::json::object to_openai_json(const Message& m);
// The full view for the native API: to_openai_json plus id, tokens and ts.
boost::json::object to_api_json(const Message& m);

}  // namespace ragcache::session
