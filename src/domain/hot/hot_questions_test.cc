#include "domain/hot/hot_questions.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace ragcache::hot {
namespace {

using namespace std::chrono_literals;

TEST(HotWindow, ParsesUnitsAndRoundsUpToHours) {
  EXPECT_EQ(*parse_window("24h"), 24h);
  EXPECT_EQ(*parse_window("7d"), 168h);
  EXPECT_EQ(*parse_window("90m"), 2h);
  EXPECT_EQ(*parse_window("3600s"), 1h);
  EXPECT_EQ(*parse_window("1s"), 1h);
  EXPECT_EQ(*parse_window("5"), 5h);
  EXPECT_FALSE(parse_window(""));
  EXPECT_FALSE(parse_window("h"));
  EXPECT_FALSE(parse_window("0h"));
  EXPECT_FALSE(parse_window("-3h"));
  EXPECT_FALSE(parse_window("24x"));
  EXPECT_FALSE(parse_window("99999999999999999999h"));
}

TEST(HotQuery, DefaultsAndBounds) {
  auto q = parse_hot_query(std::nullopt, std::nullopt);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->window, 24h);
  EXPECT_EQ(q->k, 20u);
  q = parse_hot_query("48h", "5");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->window, 48h);
  EXPECT_EQ(q->k, 5u);
  EXPECT_FALSE(parse_hot_query("30d", std::nullopt));  // beyond the 7-day retention
  EXPECT_FALSE(parse_hot_query(std::nullopt, "0"));
  EXPECT_FALSE(parse_hot_query(std::nullopt, "abc"));
  EXPECT_FALSE(parse_hot_query(std::nullopt, "100000"));
  auto err = parse_hot_query("soon", std::nullopt);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, ragcache::Errc::invalid_argument);
}

TEST(HotBuckets, OneKeyPerHourNewestFirstSharingTheNamespaceTag) {
  auto t = std::chrono::system_clock::time_point(std::chrono::hours(480000) + 59min);
  EXPECT_EQ(hour_index(t), 480000);
  auto keys = hot_bucket_keys("rag:hot:", "team", 480000, 3h);
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], "rag:hot:{team}:480000");
  EXPECT_EQ(keys[2], "rag:hot:{team}:479998");
}

TEST(HotNamespace, Validation) {
  EXPECT_TRUE(validate_namespace("default"));
  EXPECT_FALSE(validate_namespace(""));
  EXPECT_FALSE(validate_namespace("a{b}"));
  EXPECT_FALSE(validate_namespace(std::string(129, 'n')));
}

TEST(HotJson, MatchesTheNativeApiShape) {
  auto v = hot_to_json({{"what is rag", 3}, {"how to cache", 1}});
  const auto& qs = v.at("questions").as_array();
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].at("question").as_string(), "what is rag");
  EXPECT_EQ(qs[0].at("count").as_int64(), 3);
}

}  // namespace
}  // namespace ragcache::hot
