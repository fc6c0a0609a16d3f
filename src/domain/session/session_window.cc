#include "domain/session/session_window.h"

#include <boost/json/array.hpp>

namespace ragcache::session {
namespace {

boost::json::value optional_string(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::value(*s);
}

}  // namespace

boost::json::object SessionWindow::to_json() const {
  boost::json::array list;
  list.reserve(messages.size());
  for (const auto& m : messages) list.push_back(to_api_json(m));
  boost::json::object o;
  o["session_id"] = session_id;
  o["messages"] = std::move(list);
  o["token_total"] = static_cast<std::uint64_t>(token_total);
  o["resolved_context"] = optional_string(resolved_context);
  o["summary"] = optional_string(summary);
  o["user"] = optional_string(user_id);
  o["created_ms"] = created_ms;
  o["updated_ms"] = updated_ms;
  o["version"] = version;
  return o;
}

boost::json::array SessionWindow::openai_messages() const {
  boost::json::array list;
  list.reserve(messages.size());
  for (const auto& m : messages) list.push_back(to_openai_json(m));
  return list;
}

}  // namespace ragcache::session
