#include "domain/session/message.h"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/session/errors.h"

namespace ragcache::session {
namespace {

constexpr std::array<std::string_view, 5> kRoles = {"system", "user", "assistant", "tool", "developer"};

// Fields shared by the OpenAI view and the stored form, in one order.
void put_chat_fields(const Message& m, boost::json::object& out) {
  out["role"] = m.role;
  out["content"] = m.content;
  if (m.name) out["name"] = *m.name;
  if (m.tool_call_id) out["tool_call_id"] = *m.tool_call_id;
  if (m.tool_calls) out["tool_calls"] = *m.tool_calls;
}

Error corrupt(std::string what) { return Error(Errc::corrupt_state, "stored message: " + std::move(what)); }

}  // namespace

bool is_valid_role(std::string_view role) {
  for (auto r : kRoles) {
    if (r == role) return true;
  }
  return false;
}

std::string to_stored_json(const Message& m) {
  // id and tokens first, in this order: the append script reads them with a pattern match
  // instead of decoding the message (scripts/append.lua).
  // Scratch memory on the stack: one message is built and dropped on every append.
  unsigned char scratch[2048];
  boost::json::monotonic_resource memory(scratch, sizeof scratch);
  boost::json::object o(&memory);
  o["id"] = m.id;
  o["tokens"] = static_cast<std::uint64_t>(m.tokens);
  put_chat_fields(m, o);
  o["ts"] = m.time_ms;
  return boost::json::serialize(o);
}

Result<Message> from_stored_json(std::string_view json) {
  boost::system::error_code ec;
  // The parsed tree only lives until its fields are copied out: scratch memory on the stack
  // (then the heap if a message is bigger) instead of one allocation per node, freed at once.
  // Every window read parses each of its messages.
  unsigned char scratch[4096];
  boost::json::monotonic_resource memory(scratch, sizeof scratch);
  auto v = boost::json::parse(json, ec, &memory);
  if (ec || !v.is_object()) return corrupt("not a JSON object");
  const auto& o = v.get_object();
  auto str = [&](std::string_view key) -> const boost::json::string* {
    auto* f = o.if_contains(key);
    return f ? f->if_string() : nullptr;
  };
  Message m;
  const auto* id = str("id");
  const auto* role = str("role");
  const auto* content = str("content");
  if (!id || !role || !content) return corrupt("id, role or content missing");
  m.id = std::string(*id);
  m.role = std::string(*role);
  m.content = std::string(*content);
  if (const auto* name = str("name")) m.name = std::string(*name);
  if (const auto* call = str("tool_call_id")) m.tool_call_id = std::string(*call);
  // A copy in default storage: the parsed tree's memory is gone when this returns.
  if (const auto* calls = o.if_contains("tool_calls")) m.tool_calls.emplace(*calls, boost::json::storage_ptr());
  if (const auto* t = o.if_contains("tokens")) {
    auto n = t->to_number<std::int64_t>(ec);
    if (ec || n < 0) return corrupt("tokens not a count");
    m.tokens = static_cast<std::size_t>(n);
  }
  if (const auto* ts = o.if_contains("ts")) {
    auto n = ts->to_number<std::int64_t>(ec);
    if (ec) return corrupt("ts not a number");
    m.time_ms = n;
  }
  return m;
}

boost::json::object to_openai_json(const Message& m) {
  boost::json::object o;
  put_chat_fields(m, o);
  return o;
}

boost::json::object to_api_json(const Message& m) {
  boost::json::object o;
  o["id"] = m.id;
  put_chat_fields(m, o);
  o["tokens"] = static_cast<std::uint64_t>(m.tokens);
  o["ts"] = m.time_ms;
  return o;
}

}  // namespace ragcache::session
