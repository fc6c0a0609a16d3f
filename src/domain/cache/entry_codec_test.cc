#include "domain/cache/entry_codec.h"

#include <gtest/gtest.h>

#include "domain/cache/errors.h"

namespace ragcache::cache {
namespace {

TEST(EntryCodec, SmallEntryRoundTripsUncompressed) {
  CodecOptions o;
  auto e = encode_entry("canon", "answer", o);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->compressed);
  auto d = decode_entry(e->bytes, o);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->canonical, "canon");
  EXPECT_EQ(d->answer, "answer");
}

TEST(EntryCodec, LargeEntryIsCompressedAndRoundTrips) {
  CodecOptions o;
  std::string answer;
  for (int i = 0; i < 2000; ++i) answer += "Redis is an in-memory data store. ";
  auto e = encode_entry("canon", answer, o);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->compressed);
  EXPECT_LT(e->bytes.size(), answer.size() / 4);
  auto v = decode_verified(e->bytes, "canon", o);
  ASSERT_TRUE(v && *v);
  EXPECT_EQ(**v, answer);
}

TEST(EntryCodec, IncompressibleBodyStaysRaw) {
  CodecOptions o;
  o.compress_threshold = 16;
  std::string noise;
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 4096; ++i) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    noise.push_back(static_cast<char>(x));
  }
  auto e = encode_entry("c", noise, o);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->compressed);
  EXPECT_EQ(decode_entry(e->bytes, o)->answer, noise);
}

TEST(EntryCodec, OversizeIsRefused) {
  CodecOptions o;
  o.max_entry_bytes = 100;
  o.compress_threshold = 1u << 30;
  EXPECT_FALSE(encode_entry("c", std::string(200, 'x'), o));
  EXPECT_TRUE(encode_entry("c", std::string(50, 'x'), o));
}

TEST(EntryCodec, VerificationRejectsAnotherRequest) {
  CodecOptions o;
  auto e = encode_entry("request-1", "answer", o);
  auto v = decode_verified(e->bytes, "request-2", o);
  ASSERT_TRUE(v);
  EXPECT_FALSE(*v);
}

TEST(EntryCodec, GarbageIsCorruptNotACrash) {
  CodecOptions o;
  for (std::string bad : {std::string(), std::string("RCE"), std::string("XXXX\0abc", 8), std::string("RCE1\x07", 5),
                          std::string("RCE1\0\0\0\0\x09" "abc", 10), std::string("RCE1\x01garbage", 12)}) {
    auto d = decode_entry(bad, o);
    ASSERT_FALSE(d) << bad.size();
    EXPECT_EQ(d.error().code, Errc::corrupt_entry);
  }
}

TEST(EntryCodec, DecompressionBombIsRefused) {
  CodecOptions o;
  std::string big(1 << 20, 'a');
  auto e = encode_entry("c", big, o);
  ASSERT_TRUE(e && e->compressed);
  CodecOptions strict = o;
  strict.max_decoded_bytes = 1000;
  EXPECT_EQ(decode_entry(e->bytes, strict).error().code, Errc::corrupt_entry);
}

}  // namespace
}  // namespace ragcache::cache
