#include "redis/doctor_report.h"

#include <gtest/gtest.h>

namespace ragcache::redis {
namespace {

std::vector<RoleReport> sample_reports() {
  RoleReport cache{RedisRole::cache, "redis://127.0.0.1:6379", std::nullopt,
                   {{"version", Severity::ok, "Redis 7.0.15"}, {"eviction", Severity::warning, "noeviction \"quoted\""}}};
  RoleReport state{RedisRole::state, "redis://127.0.0.1:6380", std::nullopt,
                   {{"persistence", Severity::problem, "AOF is off"}}};
  return {cache, state};
}

TEST(DoctorReport, ProblemDecidesTheExitStatus) {
  auto reports = sample_reports();
  EXPECT_TRUE(report_has_problem(reports));
  reports[1].findings[0].severity = Severity::ok;
  EXPECT_FALSE(report_has_problem(reports));
  reports[0].error = "connection refused";
  EXPECT_TRUE(report_has_problem(reports));
}

TEST(DoctorReport, TextNamesEveryFinding) {
  const std::string text = render_text(sample_reports());
  EXPECT_NE(text.find("cache redis: redis://127.0.0.1:6379"), std::string::npos) << text;
  EXPECT_NE(text.find("[PROBLEM] persistence: AOF is off"), std::string::npos) << text;
  EXPECT_NE(text.find("[WARNING] eviction"), std::string::npos) << text;
  EXPECT_NE(text.find("PROBLEMS FOUND"), std::string::npos) << text;
}

TEST(DoctorReport, JsonIsWellFormedAndEscaped) {
  const std::string json = render_json(sample_reports());
  EXPECT_TRUE(json.starts_with("{\"ok\":false,\"roles\":[{\"role\":\"cache\""));
  EXPECT_NE(json.find(R"("message":"noeviction \"quoted\"")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("severity":"problem")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("error":null)"), std::string::npos) << json;
}

TEST(DoctorReport, JsonStringEscapesControlAndInvalidBytes) {
  EXPECT_EQ(json_string("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
  EXPECT_EQ(json_string("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // valid UTF-8 kept
  EXPECT_EQ(json_string("bad\xff\xc3"), R"("bad\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // a surrogate is not UTF-8
}

TEST(DoctorReport, RedactsPasswords) {
  EXPECT_EQ(redact_url("redis://user:secret@h:1/0"), "redis://user:***@h:1/0");
  EXPECT_EQ(redact_url("redis-cluster://:p@a:1,b:2"), "redis-cluster://:***@a:1,b:2");
  EXPECT_EQ(redact_url("redis://h:1"), "redis://h:1");
  EXPECT_EQ(redact_url("unix:///tmp/r.sock?db=1&password=x&user=u"), "unix:///tmp/r.sock?db=1&password=***&user=u");
}

}  // namespace
}  // namespace ragcache::redis
