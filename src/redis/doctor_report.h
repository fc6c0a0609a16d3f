// The report `ragcache doctor` prints: per role (cache, state), the server checked and its
// findings (doctor_checks.h), as text for people or JSON for scripts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "redis/doctor_checks.h"

namespace ragcache::redis {

struct RoleReport {
  RedisRole role = RedisRole::cache;
  std::string server;                 // the URL without credentials
  std::optional<std::string> error;   // set when the server could not be examined (a problem)
  std::vector<Finding> findings;
};

// True when any role has a problem or could not be examined: doctor exits non-zero.
bool report_has_problem(const std::vector<RoleReport>& reports);

std::string render_text(const std::vector<RoleReport>& reports);
// {"ok":bool,"roles":[{"role":"cache","server":"...","error":null,"findings":[{"check","severity","message"}]}]}
std::string render_json(const std::vector<RoleReport>& reports);

// A JSON string literal (quotes included) for any bytes: control characters escaped, invalid UTF-8
// bytes replaced by U+FFFD so the output always parses.
std::string json_string(std::string_view text);

// The URL with any password replaced by "***" (safe to print).
std::string redact_url(std::string_view url);

}  // namespace ragcache::redis
