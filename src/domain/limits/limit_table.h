// Limits per API key / tenant from the config: defaults ([limits] requests_per_minute, burst,
// tokens_per_minute, tokens_per_day) plus overrides for named subjects. 0 = unlimited.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/limits/limit_types.h"

namespace ragcache::limits {

struct SubjectLimits {
  std::int64_t requests_per_minute = 0;
  std::int64_t burst = 0;  // 0: = requests_per_minute
  std::int64_t tokens_per_minute = 0;
  std::int64_t tokens_per_day = 0;

  RateLimit request_limit() const { return {requests_per_minute, std::chrono::minutes(1), burst}; }
  TokenLimits token_limits() const { return {tokens_per_minute, tokens_per_day}; }
  bool unlimited() const { return requests_per_minute <= 0 && token_limits().unlimited(); }
};

class LimitTable {
 public:
  LimitTable() = default;
  explicit LimitTable(SubjectLimits defaults) : defaults_(defaults) {}

  void set_default(SubjectLimits limits) { defaults_ = limits; }
  void set(std::string subject, SubjectLimits limits) { overrides_[std::move(subject)] = limits; }
  // The subject's own limits if configured, else the defaults.
  const SubjectLimits& for_subject(std::string_view subject) const;

 private:
  SubjectLimits defaults_;
  std::map<std::string, SubjectLimits, std::less<>> overrides_;
};

}  // namespace ragcache::limits
