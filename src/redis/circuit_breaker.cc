#include "redis/circuit_breaker.h"

#include <array>
#include <string_view>

#include "redis/errors.h"

namespace ragcache::redis {

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options) : options_(std::move(options)) {
  if (options_.failure_threshold == 0) options_.failure_threshold = 1;
}

CircuitBreaker::Admission CircuitBreaker::admit(Clock::time_point now) {
  if (state_.load(std::memory_order_relaxed) == CircuitState::closed) return Admission::pass;
  std::lock_guard lock(mutex_);
  switch (state_.load(std::memory_order_relaxed)) {
    case CircuitState::closed:
      return Admission::pass;
    case CircuitState::open:
      if (now - opened_at_ >= options_.open_duration) {
        move_to(CircuitState::half_open);
        return Admission::probe;
      }
      break;
    case CircuitState::half_open:
      break;  // one probe at a time
  }
  refused_.fetch_add(1, std::memory_order_relaxed);
  return Admission::refused;
}

void CircuitBreaker::record(Admission admission, bool failed, Clock::time_point now) {
  if (admission == Admission::refused) return;
  if (!failed && admission == Admission::pass) {
    // The hot path: a success while closed only has to clear a failure streak, if there is one.
    if (!any_failure_.load(std::memory_order_relaxed)) return;
    std::lock_guard lock(mutex_);
    if (state_.load(std::memory_order_relaxed) == CircuitState::closed) {
      consecutive_failures_ = 0;
      any_failure_.store(false, std::memory_order_relaxed);
    }
    return;
  }
  std::lock_guard lock(mutex_);
  const CircuitState state = state_.load(std::memory_order_relaxed);
  if (admission == Admission::probe) {
    if (state != CircuitState::half_open) return;
    if (failed) {
      opened_at_ = now;
      move_to(CircuitState::open);
    } else {
      consecutive_failures_ = 0;
      any_failure_.store(false, std::memory_order_relaxed);
      move_to(CircuitState::closed);
    }
    return;
  }
  // A failed command let through while closed. One admitted before the circuit opened may end
  // after it did: it changes nothing then.
  if (state != CircuitState::closed) return;
  any_failure_.store(true, std::memory_order_relaxed);
  if (++consecutive_failures_ >= options_.failure_threshold) {
    opened_at_ = now;
    move_to(CircuitState::open);
  }
}

void CircuitBreaker::move_to(CircuitState to) {
  const CircuitState from = state_.load(std::memory_order_relaxed);
  state_.store(to, std::memory_order_relaxed);
  if (to == CircuitState::open) opened_.fetch_add(1, std::memory_order_relaxed);
  if (options_.on_state_change) options_.on_state_change(from, to);
}

bool CircuitBreaker::counts_as_failure(const Error& e) {
  if (e.code == Errc::timeout || e.code == Errc::connection_lost || e.code == Errc::not_connected) return true;
  if (e.code != Errc::server_error) return false;
  // Error replies that say the server cannot serve right now (as opposed to "your command is
  // wrong"): loading its dataset, stuck in a script, cluster without a quorum, replica cut off.
  static constexpr std::array<std::string_view, 4> kUnavailable = {"LOADING", "BUSY", "CLUSTERDOWN", "MASTERDOWN"};
  for (auto prefix : kUnavailable) {
    if (e.detail.starts_with(prefix) &&
        (e.detail.size() == prefix.size() || e.detail[prefix.size()] == ' ')) {
      return true;
    }
  }
  return false;
}

}  // namespace ragcache::redis
