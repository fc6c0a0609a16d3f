#include "domain/cache/stream_entries.h"

#include <gtest/gtest.h>

namespace ragcache::cache {
namespace {

redis::Reply arr(std::vector<redis::Reply> items) {
  redis::Reply r;
  r.kind = redis::Reply::Kind::array;
  r.elements = std::move(items);
  return r;
}
redis::Reply bulk(std::string s) { return redis::Reply::make_bulk(std::move(s)); }

TEST(StreamEntries, ParsesXreadReply) {
  auto entry1 = arr({bulk("5-0"), arr({bulk("t"), bulk("c"), bulk("v"), bulk("hello")})});
  auto entry2 = arr({bulk("5-1"), arr({bulk("t"), bulk("d"), bulk("v"), bulk("")})});
  auto reply = arr({arr({bulk("rag:flight:{h}"), arr({entry1, entry2})})});
  auto entries = parse_xread(reply);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].id_text, "5-0");
  EXPECT_EQ((*entries)[0].field("v"), "hello");
  EXPECT_EQ((*entries)[1].field("t"), "d");
  EXPECT_FALSE((*entries)[1].field("missing"));
  EXPECT_LT((*entries)[0].id, (*entries)[1].id);
}

TEST(StreamEntries, NilIsNoEntriesAndGarbageIsAnError) {
  auto none = parse_xread(redis::Reply::make_nil());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(parse_xread(redis::Reply::make_integer(3)));
  EXPECT_FALSE(parse_xread(arr({arr({bulk("k")})})));
  EXPECT_FALSE(parse_entries(arr({arr({bulk("not-an-id"), arr({})})})));
  EXPECT_FALSE(parse_entries(arr({arr({bulk("1-1"), arr({bulk("odd")})})})));
}

}  // namespace
}  // namespace ragcache::cache
