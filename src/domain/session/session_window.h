// What a session holds, as read in one round trip: its messages (oldest first) and its meta.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/session/message.h"

namespace ragcache::session {

struct SessionWindow {
  std::string session_id;
  std::vector<Message> messages;  // oldest first
  std::size_t token_total = 0;    // sum of messages[i].tokens
  // The coreference-resolved background of the conversation, set by the caller.
  std::optional<std::string> resolved_context;
  std::optional<std::string> summary;  // a free field for the caller's running summary
  std::optional<std::string> user_id;  // the owner given on the first append
  std::int64_t created_ms = 0;  // Unix ms of the first write; 0 if the session does not exist
  std::int64_t updated_ms = 0;  // Unix ms of the last append or field update
  std::int64_t version = 0;     // appends so far (each append call adds 1)

  // False for a session never written, deleted, or expired.
  bool exists() const { return created_ms != 0 || !messages.empty(); }

  // The native API's body: {"messages":[...], "token_total":N, "resolved_context":"..."|null}
  // plus "summary", "user", "created_ms", "updated_ms", "version". Messages in to_api_json form.
  boost::json::object to_json() const;
  // Only the messages, as the OpenAI chat API takes them (to put before a request's messages).
  boost::json::array openai_messages() const;
};

}  // namespace ragcache::session
