#include "domain/limits/gcra.h"

#include <algorithm>

namespace ragcache::limits {

std::int64_t gcra_interval_us(std::int64_t limit, std::int64_t period_us) {
  if (limit <= 0 || period_us <= 0) return 1;
  return std::max<std::int64_t>(1, (period_us + limit - 1) / limit);
}

GcraOutcome gcra_decide(std::int64_t tat_us, std::int64_t now_us, const GcraParams& params, std::int64_t cost) {
  const std::int64_t interval = std::max<std::int64_t>(1, params.interval_us);
  const std::int64_t tolerance = std::max<std::int64_t>(1, params.burst) * interval;
  const std::int64_t tat = std::max(tat_us, now_us);
  const std::int64_t new_tat = tat + cost * interval;
  const std::int64_t allow_at = new_tat - tolerance;

  GcraOutcome out;
  if (allow_at > now_us) {
    out.allowed = false;
    out.new_tat_us = tat_us;
    out.retry_after_us = allow_at - now_us;
    out.remaining = std::max<std::int64_t>(0, (tolerance - (tat - now_us)) / interval);
    out.reset_after_us = tat - now_us;
    return out;
  }
  out.allowed = true;
  out.new_tat_us = new_tat;
  out.remaining = std::max<std::int64_t>(0, (tolerance - (new_tat - now_us)) / interval);
  out.reset_after_us = new_tat - now_us;
  return out;
}

}  // namespace ragcache::limits
