#include "domain/auth/api_key.h"

#include <gtest/gtest.h>

#include <set>

namespace ragcache::auth {
namespace {

TEST(ApiKey, SecretsAndIdsAreFreshAndShapedAlike) {
  std::set<std::string> secrets, ids;
  for (int i = 0; i < 1000; ++i) {
    secrets.insert(new_key_secret());
    ids.insert(new_key_id());
  }
  EXPECT_EQ(secrets.size(), 1000u);
  EXPECT_EQ(ids.size(), 1000u);
  for (const auto& id : ids) EXPECT_TRUE(is_key_id(id)) << id;
  EXPECT_FALSE(is_key_id("key_"));
  EXPECT_FALSE(is_key_id("key_zzzzzzzzzzzzzzzz"));
  EXPECT_FALSE(is_key_id("rck_0123456789abcdef"));
}

TEST(ApiKey, TenantNames) {
  EXPECT_TRUE(validate_tenant("team-a.prod_2"));
  for (const std::string& bad : std::vector<std::string>{"", "a b", "{x}", "a:b", std::string(49, 'a'), "a\nb"}) {
    EXPECT_FALSE(validate_tenant(bad)) << bad;
  }
}

TEST(ApiKey, RecordsRoundTripThroughTheirStoredForm) {
  KeyRecord r{new_key_id(), "team-a", {.requests_per_minute = 5, .tokens_per_minute = 6, .tokens_per_day = 7}, 123, true};
  auto back = record_from_fields(record_fields(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->tenant, "team-a");
  EXPECT_EQ(back->limits.tokens_per_day, 7);
  EXPECT_EQ(back->created_ms, 123);
  EXPECT_TRUE(back->revoked);
  EXPECT_FALSE(record_from_fields({{"tenant", "x"}}));  // no id: not a record
}

}  // namespace
}  // namespace ragcache::auth
