#include "gateway/prepared_answer.h"

#include <boost/json/parse.hpp>

#include "gateway/answer_lines.h"

namespace ragcache::gateway {

std::size_t PreparedAnswer::bytes() const {
  // The parsed object costs about three times its text.
  return sizeof(PreparedAnswer) + 4 * json_body.size() + stream_body.size() + stream_body_usage.size() + 256;
}

std::shared_ptr<const PreparedAnswer> prepare_answer(const AnswerFormat& format, std::string_view stored) {
  if (stored.size() < 3 || stored.front() != kAnswerTag || stored.back() != '\n') return nullptr;
  const std::string_view json_text = stored.substr(1, stored.size() - 2);
  if (json_text.find('\n') != std::string_view::npos) return nullptr;  // more than one line
  boost::system::error_code ec;
  auto doc = boost::json::parse(json_text, ec);
  if (ec || !doc.is_object()) return nullptr;
  auto p = std::make_shared<PreparedAnswer>();
  p->answer = std::move(doc.as_object());
  p->json_body = std::string(json_text);
  p->stream_body = format.render_stream(p->answer, false);
  p->stream_body_usage = format.kind() == ApiKind::chat ? format.render_stream(p->answer, true) : p->stream_body;
  p->total_tokens = openai::usage_total_tokens(p->answer);
  return p;
}

std::shared_ptr<const PreparedAnswer> AnswerMemo::get(std::string_view stored) {
  {
    std::lock_guard lock(mu_);
    if (auto it = current_.find(stored); it != current_.end()) return it->second;
    if (auto it = previous_.find(stored); it != previous_.end()) {
      auto prepared = it->second;  // still in use: moves to the current generation
      previous_.erase(it);
      insert_locked(stored, prepared);
      return prepared;
    }
  }
  auto prepared = prepare_answer(format_, stored);  // outside the lock: the slow part
  if (!prepared) return nullptr;
  std::lock_guard lock(mu_);
  if (auto it = current_.find(stored); it != current_.end()) return it->second;  // prepared meanwhile
  insert_locked(stored, prepared);
  return prepared;
}

void AnswerMemo::insert_locked(std::string_view stored, std::shared_ptr<const PreparedAnswer> prepared) {
  const std::size_t cost = stored.size() + prepared->bytes() + 64;
  // Half the budget per generation: both together stay within max_bytes_. An answer larger than
  // that is not kept (it is prepared again on each hit).
  if (cost > max_bytes_ / 2) return;
  if (current_bytes_ + cost > max_bytes_ / 2) {
    previous_ = std::move(current_);
    current_ = Map();
    current_bytes_ = 0;
  }
  current_.emplace(std::string(stored), std::move(prepared));
  current_bytes_ += cost;
}

std::size_t AnswerMemo::size() const {
  std::lock_guard lock(mu_);
  return current_.size() + previous_.size();
}

}  // namespace ragcache::gateway
