// Redis client options for tests, with the client's own deadlines stretched by time_scale().
//
// A client's connect and command timeouts are budgets: when the test's loop is busy (thousands
// of coroutines started at once, a sanitizer, a loaded machine), a reply that came back in time
// may be read late, and an unscaled timeout then reports a healthy server as stuck. Tests whose
// subject is a timeout (a paused server must time out) scale their bounds with the same factor.
#pragma once

#include "redis/options.h"
#include "support/time_scale.h"

namespace ragcache::testing {

inline redis::ConnectionOptions with_scaled_timeouts(redis::ConnectionOptions options) {
  options.connect_timeout = scaled(options.connect_timeout);
  options.command_timeout = scaled(options.command_timeout);
  return options;
}

inline redis::ClientOptions with_scaled_timeouts(redis::ClientOptions options) {
  options.connection = with_scaled_timeouts(std::move(options.connection));
  return options;
}

}  // namespace ragcache::testing
