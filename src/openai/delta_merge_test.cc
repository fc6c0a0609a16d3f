#include "openai/delta_merge.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ragcache::openai {
namespace {

namespace json = boost::json;

std::string merged(std::initializer_list<const char*> deltas) {
  json::object into;
  for (const char* d : deltas) merge_delta(into, json::parse(d).as_object());
  return json::serialize(into);
}

TEST(DeltaMerge, StringsAppendIdentitiesStay) {
  EXPECT_EQ(merged({R"({"role":"assistant","content":"He"})", R"({"role":"assistant","content":"llo"})"}),
            R"({"role":"assistant","content":"Hello"})");
}

TEST(DeltaMerge, NullsNeverEraseButMakeTheFieldExist) {
  EXPECT_EQ(merged({R"({"refusal":null})", R"({"content":"a"})", R"({"content":null})"}),
            R"({"refusal":null,"content":"a"})");
}

TEST(DeltaMerge, IndexedArraysMergeByIndex) {
  EXPECT_EQ(merged({R"({"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":""}}]})",
                    R"({"tool_calls":[{"index":1,"id":"b","function":{"name":"g","arguments":"{}"}}]})",
                    R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"x\""}}]})",
                    R"({"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":":1}"}}]})"}),
            R"({"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"x\":1}"}},)"
            R"({"index":1,"id":"b","function":{"name":"g","arguments":"{}"}}]})");
}

TEST(DeltaMerge, OtherArraysAppendNumbersAreReplaced) {
  EXPECT_EQ(merged({R"({"content":[{"token":"a"}],"n":1})", R"({"content":[{"token":"b"}],"n":2})"}),
            R"({"content":[{"token":"a"},{"token":"b"}],"n":2})");
}

TEST(DeltaMerge, UnknownFieldsFollowTheSameRules) {
  EXPECT_EQ(merged({R"({"audio":{"id":"au","data":"AAA","transcript":"hel"}})",
                    R"({"audio":{"data":"BBB","transcript":"lo","expires_at":5}})"}),
            R"({"audio":{"id":"au","data":"AAABBB","transcript":"hello","expires_at":5}})");
}

}  // namespace
}  // namespace ragcache::openai
