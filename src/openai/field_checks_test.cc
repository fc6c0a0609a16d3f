// check_fields: the one-pass type and range checks of request fields.
#include "openai/field_checks.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace ragcache::openai {
namespace {

namespace json = boost::json;
using Type = FieldRule::Type;

constexpr FieldRule kRules[] = {{"stream", Type::boolean}, {"tools", Type::array},
                                number_rule("temperature", 0.0, 2.0), integer_rule("n", 1, 128),
                                integer_rule("seed", INT64_MIN, INT64_MAX)};

std::optional<RequestError> check(std::string_view body) {
  return check_fields(json::parse(body).as_object(), kRules);
}

TEST(CheckFields, FieldsWithoutARuleAndNullFieldsPass) {
  EXPECT_FALSE(check(R"({"model":"m","whatever":[1,2],"stream":null,"n":null})"));
  EXPECT_FALSE(check(R"({"stream":true,"tools":[],"temperature":0.5,"n":3,"seed":-7})"));
}

TEST(CheckFields, AWrongTypeNamesTheField) {
  auto err = check(R"({"model":"m","stream":"yes"})");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->param, "stream");
  EXPECT_EQ(err->code, "invalid_type");
  EXPECT_EQ(err->message, "'stream' must be a boolean.");
}

TEST(CheckFields, IntegersMustBeWholeAndInRange) {
  for (const char* body : {R"({"n":1.5})", R"({"n":"3"})", R"({"n":true})"}) {
    auto err = check(body);
    ASSERT_TRUE(err) << body;
    EXPECT_EQ(err->code, "invalid_type") << body;
  }
  for (const char* body : {R"({"n":0})", R"({"n":129})", R"({"seed":9223372036854775808})"}) {
    auto err = check(body);
    ASSERT_TRUE(err) << body;
    EXPECT_EQ(err->code, "invalid_value") << body;
  }
  EXPECT_FALSE(check(R"({"seed":9223372036854775807})"));
}

TEST(CheckFields, NumbersOutsideTheirRangeAreRejected) {
  EXPECT_FALSE(check(R"({"temperature":2})"));
  auto err = check(R"({"temperature":2.01})");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->param, "temperature");
  EXPECT_EQ(err->code, "invalid_value");
}

TEST(CheckFields, TheFirstProblemInTheBodyIsReported) {
  auto err = check(R"({"tools":{},"stream":1})");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->param, "tools");
}

}  // namespace
}  // namespace ragcache::openai
