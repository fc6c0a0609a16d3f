// POST /v1/chat/completions and POST /v1/responses, as one pipeline of named steps over a
// ChatFlow (the request's ChatInputs plus what each step finds out):
//
//   session       X-Session-Id: the stored window goes in front of the new messages; a turn
//                 that could not be stored afterwards (size, count, role) is refused now
//   key           bypass or cache? the canonical key (tenant, namespace, model, messages, every
//                 output-changing parameter, the source documents' versions)
//   lookup        L1 / exact cache, then the semantic cache (plain-text questions only)
//   reserve       the token quota's reservation for the upstream call
//   generate      one upstream call shared through the single flight (or straight, when
//                 nothing may be cached), relayed live to the caller
//   settle        the reservation settled with the real usage, or released
//   record-turn   X-Session-Id: the new messages and the answer join the window
//   deliver       the rest of the answer goes to the caller
//   after-answer  document links, semantic store, hot questions
//
// A step finishes the answer (a hit, a generated answer; a streaming caller already gets it live)
// but only deliver completes the response; every failure leaves a FailureReply in the flow and
// the pipeline's one failure exit answers it. Decisions
// (may this be cached, what is the key, may the semantic cache serve it) are plain functions
// beside the steps (semantic_step.h, request_controls.h, openai/answer_verdict.h).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>

#include "gateway/access_log.h"
#include "gateway/answer_format.h"
#include "gateway/caller.h"
#include "gateway/gateway_deps.h"
#include "gateway/gateway_metrics.h"
#include "gateway/prepared_answer.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace ragcache::gateway {

struct ChatFlow;

class ChatPipeline {
 public:
  // Everything passed must outlive the pipeline.
  ChatPipeline(const GatewayDeps& deps, const GatewayOptions& options, GatewayMetrics& metrics);
  ~ChatPipeline();

  // One request of `api` by `caller` (caller.h), answered through `w`.
  boost::asio::awaitable<void> run(ApiKind api, http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                   RequestLog& log);

 private:
  enum class Next { proceed, answered, failed };
  boost::asio::awaitable<Next> session_step(ChatFlow& f);
  boost::asio::awaitable<Next> key_step(ChatFlow& f);
  boost::asio::awaitable<Next> lookup_step(ChatFlow& f);
  boost::asio::awaitable<Next> reserve_step(ChatFlow& f);
  boost::asio::awaitable<Next> generate_step(ChatFlow& f);
  boost::asio::awaitable<void> settle_step(ChatFlow& f);
  boost::asio::awaitable<void> record_turn_step(ChatFlow& f);
  boost::asio::awaitable<void> after_answer_step(ChatFlow& f);

  boost::asio::awaitable<Next> generate_direct(ChatFlow& f);
  boost::asio::awaitable<Next> generate_shared(ChatFlow& f);
  boost::asio::awaitable<void> fail(ChatFlow& f);
  std::int64_t estimate_tokens(const ChatFlow& f) const;
  AnswerMemo& memo(ApiKind api) { return api == ApiKind::chat ? chat_memo_ : responses_memo_; }

  const GatewayDeps& deps_;
  const GatewayOptions& options_;
  GatewayMetrics& metrics_;
  AnswerMemo chat_memo_;       // cached answers ready to send (prepared_answer.h)
  AnswerMemo responses_memo_;
};

}  // namespace ragcache::gateway
