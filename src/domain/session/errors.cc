#include "domain/session/errors.h"

#include <string>

namespace ragcache::session {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "session"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::invalid_session_id: return "invalid session id";
      case Errc::invalid_user_id: return "invalid user id";
      case Errc::invalid_message: return "invalid message";
      case Errc::message_too_large: return "message too large";
      case Errc::too_many_messages: return "too many messages in one call";
      case Errc::no_messages: return "no messages to append";
      case Errc::value_too_large: return "value too large";
      case Errc::invalid_limits: return "invalid session limits";
      case Errc::corrupt_state: return "session state in Redis is corrupt";
    }
    return "unknown session error";
  }
};

}  // namespace

const boost::system::error_category& category() {
  static const Category instance;
  return instance;
}

}  // namespace ragcache::session
