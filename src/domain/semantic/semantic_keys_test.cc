// Keys, ids, vector bytes and change-feed entries of the semantic cache (pure).
#include "domain/semantic/semantic_keys.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "domain/semantic/feed_event.h"

namespace ragcache::semantic {
namespace {

index::PartitionKey key(std::string tenant, std::string ns = "") { return {std::move(tenant), "gpt", "sys", std::move(ns)}; }

TEST(SemanticKeys, PartitionIdSeparatesTenantsAndNamespaces) {
  EXPECT_EQ(partition_id(key("a")), partition_id(key("a")));
  EXPECT_NE(partition_id(key("a")), partition_id(key("b")));
  EXPECT_NE(partition_id(key("a")), partition_id(key("a", "docs")));
  EXPECT_EQ(partition_id(key("a")).size(), 32u);
}

TEST(SemanticKeys, EntryIdRoundTripsAndRejectsGarbage) {
  for (index::EntryId id : {index::EntryId{0}, index::EntryId{1}, index::EntryId{0xdeadbeefcafef00d}, UINT64_MAX}) {
    auto text = format_entry_id(id);
    EXPECT_EQ(text.size(), 16u);
    EXPECT_EQ(parse_entry_id(text), id);
  }
  EXPECT_FALSE(parse_entry_id("123"));
  EXPECT_FALSE(parse_entry_id("00000000000000000"));
  EXPECT_FALSE(parse_entry_id("000000000000000G"));
  EXPECT_FALSE(parse_entry_id("000000000000000A"));  // upper case is never written
}

TEST(SemanticKeys, KeysShareThePartitionHashTag) {
  SemanticKeys keys("t1:");
  EXPECT_EQ(keys.entry("abc", 255), "t1:rag:sem:{abc}:00000000000000ff");
  EXPECT_EQ(keys.feed("abc"), "t1:rag:semlog:{abc}");
  EXPECT_EQ(keys.ids("abc"), "t1:rag:semids:{abc}");
}

TEST(SemanticKeys, ReferenceKeysTagTheirOwnSlot) {
  SemanticKeys keys("t1:");
  const std::string h(64, 'e');
  EXPECT_EQ(keys.exact_refs(h), "t1:rag:semref:{" + h + "}");
  // A namespace may hold any bytes (braces too): its tag is a hash of it.
  EXPECT_EQ(keys.namespace_partitions("docs"), "t1:rag:semns:{" + namespace_id("docs") + "}");
  EXPECT_EQ(namespace_id("docs").size(), 32u);
  EXPECT_NE(namespace_id("docs"), namespace_id(""));
  EXPECT_EQ(namespace_id("a{b}").find_first_of("{}"), std::string::npos);
}

TEST(SemanticKeys, EntryRefRoundTripsAndRejectsGarbage) {
  auto ref = parse_entry_ref(format_entry_ref("0123abcd", 255));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->first, "0123abcd");
  EXPECT_EQ(ref->second, index::EntryId{255});
  EXPECT_FALSE(parse_entry_ref("0123abcd"));
  EXPECT_FALSE(parse_entry_ref(":00000000000000ff"));
  EXPECT_FALSE(parse_entry_ref("p:xyz"));
  EXPECT_FALSE(parse_entry_ref("{p}:00000000000000ff"));
}

TEST(SemanticKeys, VectorBytesRoundTrip) {
  std::vector<float> v{0.5f, -1.25f, 3.0e-8f, 0.0f};
  auto bytes = encode_vector(v);
  EXPECT_EQ(bytes.size(), 16u);
  EXPECT_EQ(*decode_vector(bytes), v);
  EXPECT_FALSE(decode_vector("abc"));
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(decode_vector(encode_vector(std::vector<float>{1.0f, nan})));
}

// Turns an XADD command's field arguments (after "*") into the Reply XREAD would give back.
redis::Reply fields_of(const redis::Command& xadd, std::size_t first) {
  redis::Reply r;
  r.kind = redis::Reply::Kind::array;
  for (std::size_t i = first; i < xadd.arg_count(); ++i) r.elements.push_back(redis::Reply::make_bulk(std::string(xadd.arg_at(i))));
  return r;
}

TEST(FeedEvent, AddDelAndClearRoundTrip) {
  FeedEvent add{FeedEvent::Op::add, 42, 1700000000123, {0.25f, -0.5f}};
  redis::Command c1("XADD", "k", "*");
  append_fields(c1, add);
  auto back = parse_feed_fields(fields_of(c1, 3));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->op, FeedEvent::Op::add);
  EXPECT_EQ(back->id, 42u);
  EXPECT_EQ(back->expires_ms, 1700000000123);
  EXPECT_EQ(back->vector, add.vector);
  EXPECT_TRUE(back->terms.empty());  // none given: no terms field

  FeedEvent with_terms{FeedEvent::Op::add, 43, 1700000000123, {1.0f}, {7u, 0xdeadbeefu}};
  redis::Command c0("XADD", "k", "*");
  append_fields(c0, with_terms);
  auto back0 = parse_feed_fields(fields_of(c0, 3));
  ASSERT_TRUE(back0);
  EXPECT_EQ(back0->terms, with_terms.terms);

  FeedEvent del{FeedEvent::Op::del, 7, 0, {}};
  redis::Command c2("XADD", "k", "*");
  append_fields(c2, del);
  auto back2 = parse_feed_fields(fields_of(c2, 3));
  ASSERT_TRUE(back2);
  EXPECT_EQ(back2->op, FeedEvent::Op::del);
  EXPECT_EQ(back2->id, 7u);

  FeedEvent clear{FeedEvent::Op::clear, 0, 0, {}};
  redis::Command c3("XADD", "k", "*");
  append_fields(c3, clear);
  EXPECT_EQ(c3.arg_count(), 5u);  // op=clear only
  auto back3 = parse_feed_fields(fields_of(c3, 3));
  ASSERT_TRUE(back3);
  EXPECT_EQ(back3->op, FeedEvent::Op::clear);
}

// An XREAD reply for one stream holding `entries` (id, field list).
redis::Reply xread_reply(const std::vector<std::pair<std::string, redis::Reply>>& entries) {
  redis::Reply list;
  list.kind = redis::Reply::Kind::array;
  for (const auto& [id, fields] : entries) {
    redis::Reply entry;
    entry.kind = redis::Reply::Kind::array;
    entry.elements = {redis::Reply::make_bulk(id), fields};
    list.elements.push_back(std::move(entry));
  }
  redis::Reply stream;
  stream.kind = redis::Reply::Kind::array;
  stream.elements = {redis::Reply::make_bulk("rag:semring"), std::move(list)};
  redis::Reply reply;
  reply.kind = redis::Reply::Kind::array;
  reply.elements.push_back(std::move(stream));
  return reply;
}

TEST(RingBatch, NamesEachPartitionOnceInOrderAndSkipsForeignEntries) {
  auto ring = xread_reply({{"1-0", fields_of(redis::Command("X", "p", "bbb"), 1)},
                           {"2-0", fields_of(redis::Command("X", "p", "aaa"), 1)},
                           {"3-0", fields_of(redis::Command("X", "p", "bbb"), 1)},
                           {"4-0", fields_of(redis::Command("X", "q", "ccc"), 1)},
                           {"5-0", fields_of(redis::Command("X", "p", ""), 1)}});
  auto batch = parse_ring_reply(ring, "0-0");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->partitions, (std::vector<std::string>{"bbb", "aaa"}));
  EXPECT_EQ(batch->last_stream_id, "5-0");  // read past what is skipped

  auto timeout = parse_ring_reply(redis::Reply{}, "7-1");  // nil: the BLOCK timed out
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->last_stream_id, "7-1");
  EXPECT_TRUE(timeout->partitions.empty());

  redis::Reply wrong;
  wrong.kind = redis::Reply::Kind::array;
  wrong.elements = {redis::Reply::make_bulk("x")};
  EXPECT_FALSE(parse_ring_reply(wrong, "0-0"));
}

TEST(FeedEvent, MalformedEntriesAreErrorsNotCrashes) {
  redis::Command bad_op("X", "op", "upsert", "id", format_entry_id(1));
  EXPECT_FALSE(parse_feed_fields(fields_of(bad_op, 1)));
  redis::Command no_vec("X", "op", "add", "id", format_entry_id(1), "exp", "5");
  EXPECT_FALSE(parse_feed_fields(fields_of(no_vec, 1)));
  redis::Command bad_exp("X", "op", "add", "id", format_entry_id(1), "exp", "5x", "vec", encode_vector(std::vector<float>{1.0f}));
  EXPECT_FALSE(parse_feed_fields(fields_of(bad_exp, 1)));
  redis::Command odd("X", "op");
  EXPECT_FALSE(parse_feed_fields(fields_of(odd, 1)));
  // Terms are whole u32s, at most 32 of them.
  redis::Command ragged("X", "op", "add", "id", format_entry_id(1), "exp", "5", "vec", encode_vector(std::vector<float>{1.0f}),
                        "terms", "abcde");
  EXPECT_FALSE(parse_feed_fields(fields_of(ragged, 1)));
  redis::Command too_many("X", "op", "add", "id", format_entry_id(1), "exp", "5", "vec", encode_vector(std::vector<float>{1.0f}),
                          "terms", std::string(33 * 4, 'x'));
  EXPECT_FALSE(parse_feed_fields(fields_of(too_many, 1)));
}

TEST(FeedEvent, XreadReplyKeepsOrderSkipsMalformedAndAdvances) {
  auto entry = [](std::string id, redis::Reply fields) {
    redis::Reply e;
    e.kind = redis::Reply::Kind::array;
    e.elements.push_back(redis::Reply::make_bulk(std::move(id)));
    e.elements.push_back(std::move(fields));
    return e;
  };
  redis::Command del1("X", "op", "del", "id", format_entry_id(1));
  redis::Command junk("X", "op", "zap");
  redis::Command del2("X", "op", "del", "id", format_entry_id(2));
  redis::Reply entries;
  entries.kind = redis::Reply::Kind::array;
  entries.elements.push_back(entry("1-0", fields_of(del1, 1)));
  entries.elements.push_back(entry("2-0", fields_of(junk, 1)));
  entries.elements.push_back(entry("3-0", fields_of(del2, 1)));
  redis::Reply stream;
  stream.kind = redis::Reply::Kind::array;
  stream.elements.push_back(redis::Reply::make_bulk("feed"));
  stream.elements.push_back(entries);
  redis::Reply reply;
  reply.kind = redis::Reply::Kind::array;
  reply.elements.push_back(stream);

  auto batch = parse_xread_reply(reply, "0-0");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->last_stream_id, "3-0");
  ASSERT_EQ(batch->events.size(), 2u);
  EXPECT_EQ(batch->events[0].id, 1u);
  EXPECT_EQ(batch->events[1].id, 2u);
  EXPECT_EQ(batch->malformed, 1u);

  auto timeout = parse_xread_reply(redis::Reply::make_nil(), "5-0");
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->last_stream_id, "5-0");
  EXPECT_TRUE(timeout->events.empty());
  EXPECT_FALSE(parse_xread_reply(redis::Reply::make_integer(3), "0-0"));
}

}  // namespace
}  // namespace ragcache::semantic
