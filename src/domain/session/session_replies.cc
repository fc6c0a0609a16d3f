#include "domain/session/session_replies.h"

#include <charconv>

#include "domain/session/errors.h"
#include "redis/errors.h"

namespace ragcache::session {
namespace {

Error corrupt(std::string what) { return Error(Errc::corrupt_state, std::move(what)); }

Result<std::int64_t> non_negative(const redis::Reply& r, std::string_view what) {
  auto n = r.as_integer();
  if (!n || *n < 0) return corrupt(std::string(what) + " is not a count: " + r.debug_string());
  return *n;
}

// A meta field that holds a number; nil -> 0.
Result<std::int64_t> optional_number(const redis::Reply& r, std::string_view what) {
  if (r.is_nil()) return 0;
  return non_negative(r, what);
}

std::optional<std::string> optional_text(const redis::Reply& r) {
  if (r.is_string()) return r.str;
  return std::nullopt;
}

}  // namespace

Result<AppendResult> parse_append_reply(const redis::Reply& reply) {
  // Flat: {count, token_total, version, #appended, #duplicates, #trimmed, ids...} (append.lua).
  if (!reply.is_array() || reply.elements.size() < 6) return corrupt("append reply: " + reply.debug_string());
  const auto& e = reply.elements;
  std::int64_t head[6];
  const char* names[6] = {"count", "token_total", "version", "appended", "duplicates", "trimmed"};
  for (int i = 0; i < 6; ++i) {
    auto n = non_negative(e[i], names[i]);
    if (!n) return n.error();
    head[i] = *n;
  }
  const auto ids = static_cast<std::uint64_t>(head[3]) + static_cast<std::uint64_t>(head[4]) +
                   static_cast<std::uint64_t>(head[5]);
  if (ids != e.size() - 6) return corrupt("append reply: id counts do not add up: " + reply.debug_string());
  AppendResult out;
  out.count = static_cast<std::size_t>(head[0]);
  out.token_total = static_cast<std::size_t>(head[1]);
  out.version = head[2];
  std::size_t next = 6;
  const std::pair<std::vector<std::string>*, std::int64_t> lists[] = {
      {&out.appended, head[3]}, {&out.duplicates, head[4]}, {&out.trimmed, head[5]}};
  for (auto [list, n] : lists) {
    for (std::int64_t i = 0; i < n; ++i, ++next) {
      auto id = e[next].as_string();
      if (!id) return corrupt("append reply: an id is not a string: " + e[next].debug_string());
      list->emplace_back(*id);
    }
  }
  return out;
}

Result<AppendResult> parse_append_item(const redis::Reply& reply, std::size_t i, std::size_t count) {
  if (!reply.is_array() || reply.elements.size() != count || i >= count) {
    return corrupt("append reply: expected " + std::to_string(count) + " results: " + reply.debug_string());
  }
  const auto& item = reply.elements[i];
  if (item.is_error()) return Error(redis::Errc::server_error, item.str);
  return parse_append_reply(item);
}

Result<SessionWindow> parse_read_reply(std::string session_id, const redis::Reply& reply) {
  if (!reply.is_array() || reply.elements.size() != 2 || !reply.elements[0].is_array() ||
      !reply.elements[1].is_array() || reply.elements[1].elements.size() != 7) {
    return corrupt("read reply: " + reply.debug_string());
  }
  SessionWindow w;
  w.session_id = std::move(session_id);
  for (const auto& raw : reply.elements[0].elements) {
    auto text = raw.as_string();
    if (!text) return corrupt("message: " + raw.debug_string());
    auto m = from_stored_json(*text);
    if (!m) return m.error();
    w.messages.push_back(std::move(*m));
  }
  const auto& meta = reply.elements[1].elements;
  auto total = optional_number(meta[0], "token_total");
  auto created = optional_number(meta[4], "created_ms");
  auto updated = optional_number(meta[5], "updated_ms");
  auto version = optional_number(meta[6], "version");
  if (!total) return total.error();
  if (!created) return created.error();
  if (!updated) return updated.error();
  if (!version) return version.error();
  w.token_total = static_cast<std::size_t>(*total);
  w.resolved_context = optional_text(meta[1]);
  w.summary = optional_text(meta[2]);
  w.user_id = optional_text(meta[3]);
  w.created_ms = *created;
  w.updated_ms = *updated;
  w.version = *version;
  return w;
}

Result<std::vector<UserSession>> parse_user_sessions_reply(const redis::Reply& reply) {
  if (!reply.is_array() || reply.elements.size() % 2 != 0) return corrupt("user sessions: " + reply.debug_string());
  std::vector<UserSession> out;
  for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
    auto sid = reply.elements[i].as_string();
    auto score = reply.elements[i + 1].as_string();
    if (!sid || !score) return corrupt("user sessions: " + reply.debug_string());
    // Scores come back as decimal text (e.g. "1732665600000"); whole milliseconds were stored.
    double ms = 0;
    auto [ptr, ec] = std::from_chars(score->data(), score->data() + score->size(), ms);
    if (ec != std::errc()) return corrupt("user sessions: score " + std::string(*score));
    out.push_back({std::string(*sid), static_cast<std::int64_t>(ms)});
  }
  return out;
}

}  // namespace ragcache::session
