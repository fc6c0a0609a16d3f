#include "redis/retry_policy.h"

#include <algorithm>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

RetryDecision of_server_error(std::string_view text, std::string_view node_host) {
  if (auto redirect = parse_redirect(text, node_host)) {
    const auto action = redirect->kind == Redirect::Kind::moved ? RetryAction::moved : RetryAction::ask;
    return {action, std::move(redirect)};
  }
  if (refused_for_now(text)) return {RetryAction::refresh_and_resend, std::nullopt};
  return {RetryAction::give_up, std::nullopt};
}

}  // namespace

bool refused_for_now(std::string_view text) {
  return text.starts_with("TRYAGAIN") || text.starts_with("CLUSTERDOWN") || text.starts_with("READONLY") ||
         text.starts_with("LOADING") || text.starts_with("MASTERDOWN");
}

RetryDecision classify(const Error& error, std::string_view node_host) {
  if (error.code == Errc::server_error) return of_server_error(error.detail, node_host);
  // Not sent (node down, or dropped from the map by a refresh): safe to send again.
  if (error.code == Errc::not_connected || error.code == Errc::closed) return {RetryAction::refresh_and_resend, {}};
  // Lost or timed out in flight: it may have run.
  if (error.code == Errc::connection_lost || error.code == Errc::timeout) return {RetryAction::refresh_and_give_up, {}};
  return {RetryAction::give_up, std::nullopt};
}

RetryDecision classify(const Reply& reply, std::string_view node_host) {
  if (!reply.is_error()) return {RetryAction::done, std::nullopt};
  return of_server_error(reply.str, node_host);
}

std::chrono::milliseconds retry_backoff(int attempt) {
  return std::chrono::milliseconds(std::min(200, 5 << std::clamp(attempt, 0, 6)));
}

}  // namespace ragcache::redis
