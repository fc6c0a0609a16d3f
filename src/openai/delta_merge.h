// Folding streamed deltas into the object they describe: the one rule behind both the chat
// chunk assembler and the Responses item assembler.
//
// OpenAI streams an object as a sequence of partial objects ("deltas"); the client's view is
// their merge:
//   - strings are appended ("content": "Hel" + "lo"), except identity fields (id, type, name,
//     role, call_id, index), which are set once;
//   - objects merge field by field, recursively (function.arguments of a tool call);
//   - arrays of objects carrying "index" merge element by element on that index (tool_calls);
//     other arrays are appended (logprobs.content, annotations);
//   - numbers and booleans: the last value wins; a null never erases a value, but it does make
//     the field exist (so `"refusal": null` survives).
// Fields unknown to this code follow the same rules, so a future field reassembles the way the
// official SDKs' own accumulators would.
#pragma once

#include <boost/json/object.hpp>

namespace ragcache::openai {

void merge_delta(boost::json::object& into, const boost::json::object& delta);

}  // namespace ragcache::openai
