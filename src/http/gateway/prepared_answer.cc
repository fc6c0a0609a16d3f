#include "http/gateway/prepared_answer.h"

#include <boost/json/serialize.hpp>

namespace ragcache::gateway {

std::size_t PreparedAnswer::bytes() const {
  return sizeof(PreparedAnswer) + answer.content().size() + completion_tail.size() + content_delta.size() +
         usage_json.size() + 256;  // usage value, model, finish reason, allocator overhead
}

std::shared_ptr<const PreparedAnswer> prepare_answer(std::string_view events) {
  auto p = std::make_shared<PreparedAnswer>();
  p->pieces = p->answer.absorb(events);
  p->completion_tail = render_completion_tail(p->answer);
  p->content_delta = content_delta_json(p->answer.content());
  p->usage_json = boost::json::serialize(p->answer.usage());
  return p;
}

std::shared_ptr<const PreparedAnswer> AnswerMemo::get(std::string_view events) {
  {
    std::lock_guard lock(mu_);
    if (auto it = current_.find(events); it != current_.end()) return it->second;
    if (auto it = previous_.find(events); it != previous_.end()) {
      auto prepared = it->second;  // still in use: moves to the current generation
      previous_.erase(it);
      insert_locked(events, prepared);
      return prepared;
    }
  }
  auto prepared = prepare_answer(events);  // outside the lock: the slow part
  std::lock_guard lock(mu_);
  if (auto it = current_.find(events); it != current_.end()) return it->second;  // prepared meanwhile
  insert_locked(events, prepared);
  return prepared;
}

void AnswerMemo::insert_locked(std::string_view events, std::shared_ptr<const PreparedAnswer> prepared) {
  const std::size_t cost = events.size() + prepared->bytes() + 64;
  // Half the budget per generation: both together stay within max_bytes_. An answer larger than
  // that is not kept (it is prepared again on each hit, as before).
  if (cost > max_bytes_ / 2) return;
  if (current_bytes_ + cost > max_bytes_ / 2) {
    previous_ = std::move(current_);
    current_ = Map();
    current_bytes_ = 0;
  }
  current_.emplace(std::string(events), std::move(prepared));
  current_bytes_ += cost;
}

std::size_t AnswerMemo::size() const {
  std::lock_guard lock(mu_);
  return current_.size() + previous_.size();
}

}  // namespace ragcache::gateway
