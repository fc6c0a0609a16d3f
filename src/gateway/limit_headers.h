// Turning limiter decisions into HTTP response headers and an OpenAI-style 429 body (pure
// functions; the gateway copies them onto its response).
//
// Requests: X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (seconds until the full
// burst is back), and Retry-After (whole seconds, rounded up, at least 1) when refused.
// Tokens: X-RateLimit-Limit-Tokens, X-RateLimit-Remaining-Tokens, X-RateLimit-Reset-Tokens for
// the window that binds (the minute one when both are set), Retry-After when refused.
#pragma once

#include <string>
#include <vector>

#include "domain/limits/limit_types.h"
#include "domain/limits/token_quota.h"

namespace ragcache::gateway {


struct HeaderField {
  std::string name;
  std::string value;
  bool operator==(const HeaderField&) const = default;
};

// Whole seconds for Retry-After / X-RateLimit-Reset: rounded up, so a client that waits that
// long is never early; at least 1 for a refusal.
long long header_seconds(std::chrono::milliseconds d);

std::vector<HeaderField> rate_limit_headers(const limits::RateDecision& decision);
std::vector<HeaderField> token_quota_headers(const limits::QuotaDecision& decision);

// {"error":{"message":...,"type":"requests"|"tokens","param":null,"code":"rate_limit_exceeded"}}
std::string rate_limit_error_body(const limits::RateDecision& decision);
std::string token_quota_error_body(const limits::QuotaDecision& decision);

}  // namespace ragcache::gateway
