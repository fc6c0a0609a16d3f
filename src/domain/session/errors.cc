#include "domain/session/errors.h"

#include "base/error_category.h"

namespace ragcache::session {

const boost::system::error_category& category() {
  static const TableCategory<Errc> instance("session", {
      {Errc::ok, "ok"},
      {Errc::invalid_session_id, "invalid session id"},
      {Errc::invalid_user_id, "invalid user id"},
      {Errc::invalid_message, "invalid message"},
      {Errc::message_too_large, "message too large"},
      {Errc::too_many_messages, "too many messages in one call"},
      {Errc::no_messages, "no messages to append"},
      {Errc::value_too_large, "value too large"},
      {Errc::invalid_limits, "invalid session limits"},
      {Errc::corrupt_state, "session state in Redis is corrupt"},
  });
  return instance;
}

}  // namespace ragcache::session
