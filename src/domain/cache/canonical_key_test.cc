#include "domain/cache/canonical_key.h"

#include <gtest/gtest.h>

#include "domain/cache/errors.h"

namespace ragcache::cache {
namespace {

CanonicalRequest base_request() {
  CanonicalRequest r;
  r.tenant = "tenant-a";
  r.model = "gpt-4o-mini";
  r.messages = {{"system", "You are terse.", ""}, {"user", "What is Redis?", ""}};
  r.params = {{"temperature", "0"}, {"max_tokens", "256"}};
  return r;
}

std::string hash_of(const CanonicalRequest& r) {
  auto key = make_cache_key(r);
  EXPECT_TRUE(key.has_value());
  return key ? key->hash : std::string();
}

TEST(CanonicalKey, SameRequestSameKeyAndHexSha256) {
  auto a = make_cache_key(base_request());
  auto b = make_cache_key(base_request());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->hash, b->hash);
  EXPECT_EQ(a->canonical, b->canonical);
  EXPECT_EQ(a->hash.size(), 64u);
  EXPECT_EQ(a->hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(CanonicalKey, ParameterOrderDoesNotMatter) {
  auto r = base_request();
  std::swap(r.params[0], r.params[1]);
  EXPECT_EQ(hash_of(r), hash_of(base_request()));
}

TEST(CanonicalKey, EveryFieldChangesTheKey) {
  const auto h = hash_of(base_request());
  auto r = base_request(); r.tenant = "tenant-b"; EXPECT_NE(hash_of(r), h);
  r = base_request(); r.model = "gpt-4o"; EXPECT_NE(hash_of(r), h);
  r = base_request(); r.ns = "docs"; EXPECT_NE(hash_of(r), h);
  r = base_request(); r.messages[1].content += "?"; EXPECT_NE(hash_of(r), h);
  r = base_request(); r.messages[1].role = "assistant"; EXPECT_NE(hash_of(r), h);
  r = base_request(); r.messages[1].name = "bob"; EXPECT_NE(hash_of(r), h);
  r = base_request(); r.params[0].second = "0.7"; EXPECT_NE(hash_of(r), h);
  r = base_request(); r.params.push_back({"seed", "1"}); EXPECT_NE(hash_of(r), h);
  r = base_request(); r.messages.pop_back(); EXPECT_NE(hash_of(r), h);
}

TEST(CanonicalKey, LengthPrefixingSeparatesShiftedBoundaries) {
  // Plain concatenation would make these equal.
  auto a = base_request();
  a.messages = {{"user", "ab", ""}, {"user", "c", ""}};
  auto b = base_request();
  b.messages = {{"user", "a", ""}, {"user", "bc", ""}};
  EXPECT_NE(hash_of(a), hash_of(b));
  auto c = base_request();
  c.tenant = "x";
  c.model = "yz";
  auto d = base_request();
  d.tenant = "xy";
  d.model = "z";
  EXPECT_NE(hash_of(c), hash_of(d));
  auto e = base_request();
  e.params = {{"a", "bc"}};
  auto f = base_request();
  f.params = {{"ab", "c"}};
  EXPECT_NE(hash_of(e), hash_of(f));
}

TEST(CanonicalKey, NormalisesRoleCaseAndLineEndings) {
  auto a = base_request();
  a.messages[1] = {"USER", "line one\r\nline two", ""};
  auto b = base_request();
  b.messages[1] = {"user", "line one\nline two", ""};
  EXPECT_EQ(hash_of(a), hash_of(b));
  // A lone CR is content, not a line ending.
  auto c = base_request();
  c.messages[1] = {"user", "line one\rline two", ""};
  EXPECT_NE(hash_of(c), hash_of(b));
}

// The encoding writes normalised messages straight from the originals: the message's fields
// must be those of normalise_message's copy (<tag><u64 big-endian length><bytes>), for every
// placement of CR and LF.
std::string field(char tag, std::string_view bytes) {
  std::string out(1, tag);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((bytes.size() >> shift) & 0xff));
  return out.append(bytes);
}

TEST(CanonicalKey, EncodesMessagesAsTheirNormalisedForm) {
  for (std::string content : {"", "\r", "\n", "\r\n", "\r\r\n", "a\r", "\r\na\r\nb\r", "x\n\r", "plain"}) {
    SCOPED_TRACE(content);
    auto raw = base_request();
    raw.messages[1] = {"UsEr", content, "Name"};
    const ChatMessage n = normalise_message(raw.messages[1]);
    EXPECT_EQ(n.role, "user");
    const std::string expected = field('r', n.role) + field('c', n.content) + field('n', n.name);
    EXPECT_NE(canonical_bytes(raw).value().find(expected), std::string::npos);
  }
  EXPECT_EQ(normalise_message({"u", "a\r\r\nb", ""}).content, "a\r\nb");
}

TEST(CanonicalKey, RejectsBadInput) {
  auto r = base_request();
  r.model.clear();
  EXPECT_EQ(make_cache_key(r).error().code, Errc::invalid_key);
  r = base_request();
  r.params.push_back({"temperature", "1"});
  EXPECT_EQ(make_cache_key(r).error().code, Errc::invalid_key);
  r = base_request();
  r.ns = "bad{ns}";
  EXPECT_EQ(make_cache_key(r).error().code, Errc::invalid_key);
  r.ns = "a*";
  EXPECT_FALSE(make_cache_key(r).has_value());
}

// validate_key_inputs refuses exactly what make_cache_key refuses, without encoding anything.
TEST(CanonicalKey, ValidateKeyInputsAgreesWithMakeCacheKey) {
  auto r = base_request();
  EXPECT_TRUE(validate_key_inputs(r.ns, r.model, r.params));
  std::vector<CanonicalRequest> bad(4, base_request());
  bad[0].model.clear();
  bad[1].params.push_back({"temperature", "1"});
  bad[2].ns = "bad{ns}";
  bad[3].ns = "a*";
  for (const auto& b : bad) {
    EXPECT_FALSE(make_cache_key(b));
    auto ok = validate_key_inputs(b.ns, b.model, b.params);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().message(), make_cache_key(b).error().message());
  }
}

TEST(CanonicalKey, BinaryContentIsSafe) {
  auto a = base_request();
  a.messages[1].content = std::string("a\0b", 3);
  auto b = base_request();
  b.messages[1].content = std::string("a\0c", 3);
  EXPECT_NE(hash_of(a), hash_of(b));
}

}  // namespace
}  // namespace ragcache::cache
