#include "redis/doctor_report.h"

#include <algorithm>
#include <cstdio>

namespace ragcache::redis {
namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 when it is not valid.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  std::size_t n = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3;
  else if (c >= 0xF0 && c <= 0xF4) n = 4;
  else return 0;
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlong 3/4-byte forms, surrogates and code points past U+10FFFF.
  if (n == 3 && ((c == 0xE0 && b(i + 1) < 0xA0) || (c == 0xED && b(i + 1) >= 0xA0))) return 0;
  if (n == 4 && ((c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90))) return 0;
  return n;
}

}  // namespace

bool report_has_problem(const std::vector<RoleReport>& reports) {
  return std::any_of(reports.begin(), reports.end(),
                     [](const RoleReport& r) { return r.error.has_value() || has_problem(r.findings); });
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

std::string redact_url(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto authority_end = url.find_first_of("/?", scheme + 3);
  const auto at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < scheme) {
    // unix:///path?password=...: drop the query's password.
    const auto pw = url.find("password=");
    if (pw == std::string_view::npos) return std::string(url);
    const auto end = url.find('&', pw);
    return std::string(url.substr(0, pw)) + "password=***" + (end == std::string_view::npos ? "" : std::string(url.substr(end)));
  }
  const std::string_view userinfo = url.substr(scheme + 3, at - scheme - 3);
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, scheme + 3)) + std::string(userinfo.substr(0, colon)) + ":***" +
         std::string(url.substr(at));
}

std::string render_text(const std::vector<RoleReport>& reports) {
  std::string out;
  for (const auto& r : reports) {
    out += std::string(to_string(r.role)) + " redis: " + r.server + "\n";
    if (r.error) {
      out += "  [PROBLEM] connect: " + *r.error + "\n";
      continue;
    }
    for (const auto& f : r.findings) {
      std::string tag;
      switch (f.severity) {
        case Severity::ok: tag = "ok     "; break;
        case Severity::info: tag = "info   "; break;
        case Severity::warning: tag = "WARNING"; break;
        case Severity::problem: tag = "PROBLEM"; break;
      }
      out += "  [" + tag + "] " + f.check + ": " + f.message + "\n";
    }
  }
  out += report_has_problem(reports) ? "result: PROBLEMS FOUND\n" : "result: ok\n";
  return out;
}

std::string render_json(const std::vector<RoleReport>& reports) {
  std::string out = "{\"ok\":";
  out += report_has_problem(reports) ? "false" : "true";
  out += ",\"roles\":[";
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    if (i) out += ',';
    out += "{\"role\":" + json_string(to_string(r.role)) + ",\"server\":" + json_string(r.server) + ",\"error\":";
    out += r.error ? json_string(*r.error) : "null";
    out += ",\"findings\":[";
    for (std::size_t k = 0; k < r.findings.size(); ++k) {
      const auto& f = r.findings[k];
      if (k) out += ',';
      out += "{\"check\":" + json_string(f.check) + ",\"severity\":" + json_string(to_string(f.severity)) +
             ",\"message\":" + json_string(f.message) + "}";
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

}  // namespace ragcache::redis
