#include "gateway/access_log.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ragcache::gateway {
namespace {

namespace json = boost::json;

AccessLogEntry sample() {
  AccessLogEntry e;
  e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  e.request_id = "req-1";
  e.method = "POST";
  e.path = "/v1/chat/completions";
  e.status = 200;
  e.cache = "SEMANTIC";
  e.latency_ms = 1.23456;
  e.tenant = "0123456789abcdef0123456789abcdef";
  e.bytes_out = 713;
  return e;
}

TEST(AccessLog, OneJsonLineWithEveryField) {
  auto e = sample();
  e.upstream_ms = 42.5;
  const std::string line = format_access_log(e);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto o = json::parse(line).as_object();
  EXPECT_EQ(o.at("time"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(o.at("id"), "req-1");
  EXPECT_EQ(o.at("method"), "POST");
  EXPECT_EQ(o.at("path"), "/v1/chat/completions");
  EXPECT_EQ(o.at("status").to_number<int>(), 200);
  EXPECT_EQ(o.at("cache"), "SEMANTIC");
  EXPECT_NEAR(o.at("latency_ms").to_number<double>(), 1.235, 1e-9);
  EXPECT_NEAR(o.at("upstream_ms").to_number<double>(), 42.5, 1e-9);
  EXPECT_EQ(o.at("tenant"), "0123456789ab");  // a prefix of the hash only
  EXPECT_EQ(o.at("bytes").to_number<int>(), 713);
}

TEST(AccessLog, NoUpstreamIsNullAndHostileTextStaysInsideItsString) {
  auto e = sample();
  e.path = "/x\"y\\z\n\x01";
  const std::string line = format_access_log(e);
  auto o = json::parse(line).as_object();  // still valid JSON
  EXPECT_TRUE(o.at("upstream_ms").is_null());
  EXPECT_EQ(o.at("path"), "/x\"y\\z\n\x01");
}

TEST(AccessLog, RequestIdsAreTheCallersWhenSaneElseGeneratedAndUnique) {
  EXPECT_EQ(request_id_for("abc-123_X.y:z"), "abc-123_X.y:z");
  const auto a = request_id_for("");
  const auto b = request_id_for("has space");
  EXPECT_FALSE(a.empty());
  EXPECT_NE(a, b);
  EXPECT_NE(b, "has space");
  EXPECT_NE(request_id_for(std::string(65, 'a')), std::string(65, 'a'));
}

}  // namespace
}  // namespace ragcache::gateway
