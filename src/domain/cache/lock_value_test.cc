#include "domain/cache/lock_value.h"

#include <gtest/gtest.h>

#include "domain/cache/keys.h"

namespace ragcache::cache {
namespace {

TEST(LockValue, EncodeParseRoundTrip) {
  LockValue v{"0123abcd", 42};
  EXPECT_EQ(v.encode(), "0123abcd:42");
  auto p = LockValue::parse(v.encode());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->token, "0123abcd");
  EXPECT_EQ(p->fence, 42u);
}

TEST(LockValue, ParseRejectsMalformed) {
  for (auto bad : {"", "abc", ":5", "abc:", "abc:x1", "abc:-1", "abc:1 ", "abc:~", "abc:1~~", "~"}) {
    EXPECT_FALSE(LockValue::parse(bad)) << bad;
  }
}

TEST(LockValue, ParseReadsAValueCarryingTheWaitersMark) {
  LockValue v{"0123abcd", 1764230000123456};
  auto p = LockValue::parse(v.encode() + LockValue::kWaitersMark);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->token, "0123abcd");
  EXPECT_EQ(p->fence, 1764230000123456u);
  EXPECT_EQ(p->encode(), v.encode());  // the mark is Redis's business, never the grant's
}

TEST(LockValue, ValidityIsShorterThanTtlAndMonotonic) {
  auto t0 = SteadyClock::now();
  auto until = validity_deadline(t0, std::chrono::milliseconds(1000));
  EXPECT_LT(until, t0 + std::chrono::milliseconds(1000));
  EXPECT_GT(until, t0 + std::chrono::milliseconds(900));
  LockGrant g;
  g.valid_until = until;
  EXPECT_TRUE(g.valid(t0));
  EXPECT_FALSE(g.valid(until));
}

TEST(LockValue, FenceOrdering) {
  EXPECT_TRUE(fence_supersedes(2, 1));
  EXPECT_FALSE(fence_supersedes(1, 1));
  EXPECT_FALSE(fence_supersedes(1, 2));
}

TEST(StreamId, ParseAndCompare) {
  auto a = StreamId::parse("1700000000000-5");
  auto b = StreamId::parse("1700000000000-12");
  auto c = StreamId::parse("1700000000001-0");
  ASSERT_TRUE(a && b && c);
  EXPECT_LT(*a, *b);  // numeric, not lexicographic
  EXPECT_LT(*b, *c);
  EXPECT_EQ(a->str(), "1700000000000-5");
  EXPECT_EQ(StreamId::parse("0-0")->str(), "0-0");
  EXPECT_FALSE(StreamId::parse("x-1"));
  EXPECT_FALSE(StreamId::parse("1-"));
}

TEST(KeySchema, KeysShareTheHashTag) {
  KeySchema k;
  std::string h(64, 'a');
  EXPECT_EQ(k.exact("", h), "rag:exact:{" + h + "}");
  EXPECT_EQ(k.exact("docs", h), "rag:exact:docs:{" + h + "}");
  EXPECT_EQ(k.flight(h), "rag:flight:{" + h + "}");
  auto lk = k.lock(KeySchema::flight_lock_name(h));
  EXPECT_EQ(lk.lock, "lock:rag:{" + h + "}");
  EXPECT_EQ(KeySchema("", FenceCounters::one_per_server).lock("doc:7").fence, "lock:fence");
  auto g = k.lock("doc:7");
  EXPECT_EQ(g.lock, "lock:{doc:7}");
  EXPECT_EQ(g.signal, "lock:{doc:7}:sig");
  EXPECT_EQ(KeySchema("t:").exact_pattern(""), "t:rag:exact:{*");
  EXPECT_EQ(k.exact_pattern("docs"), "rag:exact:docs:{*");
}

TEST(KeySchema, Validation) {
  EXPECT_TRUE(validate_namespace(""));
  EXPECT_TRUE(validate_namespace("team-a.v2_x"));
  EXPECT_FALSE(validate_namespace("a:b"));
  EXPECT_FALSE(validate_namespace(std::string(65, 'a')));
  EXPECT_TRUE(validate_hash(std::string(64, 'f')));
  EXPECT_FALSE(validate_hash(std::string(63, 'f')));
  EXPECT_FALSE(validate_hash(std::string(64, 'F')));
  EXPECT_FALSE(validate_hash(std::string(63, 'f') + "}"));
  EXPECT_TRUE(validate_lock_name("doc:{42}"));
  EXPECT_FALSE(validate_lock_name(""));
  EXPECT_FALSE(validate_lock_name("a*"));
  EXPECT_FALSE(validate_lock_name(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace ragcache::cache
