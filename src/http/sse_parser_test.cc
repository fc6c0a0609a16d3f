#include "http/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ragcache::http {
namespace {

std::vector<SseEvent> parse_all(std::string_view bytes) {
  SseParser p;
  return p.feed(bytes);
}

// Feeds the input one byte at a time: every split point must give the same events.
std::vector<SseEvent> parse_bytewise(std::string_view bytes) {
  SseParser p;
  std::vector<SseEvent> out;
  for (char c : bytes) EXPECT_TRUE(p.feed(std::string_view(&c, 1), out));
  return out;
}

TEST(SseParser, SingleDataEvent) {
  auto events = parse_all("data: {\"a\":1}\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[0].event, "");
  EXPECT_FALSE(events[0].is_done());
}

TEST(SseParser, DoneMarker) {
  auto events = parse_all("data: x\n\ndata: [DONE]\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[0].is_done());
  EXPECT_TRUE(events[1].is_done());
}

TEST(SseParser, MultiLineDataJoinedWithNewline) {
  auto events = parse_all("data: line one\ndata: line two\ndata:three\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "line one\nline two\nthree");
}

TEST(SseParser, OnlyOneLeadingSpaceIsStripped) {
  auto events = parse_all("data:   spaced\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "  spaced");
}

TEST(SseParser, CommentsAreCountedNotDispatched) {
  SseParser p;
  auto events = p.feed(": ping\n\n: another\ndata: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
  EXPECT_EQ(p.comment_count(), 2u);
}

TEST(SseParser, CrLfAndCrLineEndings) {
  auto crlf = parse_all("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n");
  ASSERT_EQ(crlf.size(), 2u);
  EXPECT_EQ(crlf[0].data, "a\nb");
  EXPECT_EQ(crlf[1].data, "c");
  auto cr = parse_all("data: a\rdata: b\r\rdata: c\r\r");
  ASSERT_EQ(cr.size(), 2u);
  EXPECT_EQ(cr[0].data, "a\nb");
  EXPECT_EQ(cr[1].data, "c");
}

TEST(SseParser, EventsSplitAcrossReadsAtEveryByte) {
  const std::string stream =
      "event: delta\r\nid: 7\r\ndata: {\"x\":\"hello\"}\r\n\r\n: keepalive\r\n"
      "data: first\ndata: second\n\nretry: 1500\ndata: [DONE]\n\n";
  auto whole = parse_all(stream);
  auto bytewise = parse_bytewise(stream);
  ASSERT_EQ(whole.size(), 3u);
  EXPECT_EQ(whole, bytewise);
  EXPECT_EQ(whole[0].event, "delta");
  EXPECT_EQ(whole[0].id, "7");
  EXPECT_EQ(whole[0].data, "{\"x\":\"hello\"}");
  EXPECT_EQ(whole[1].data, "first\nsecond");
  EXPECT_EQ(whole[2].retry_ms, 1500);
  EXPECT_TRUE(whole[2].is_done());
}

TEST(SseParser, CrAtEndOfReadFollowedByLfIsOneLineBreak) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("data: a\r", out));
  ASSERT_TRUE(p.feed("\ndata: b\r", out));
  ASSERT_TRUE(p.feed("\n\r", out));
  ASSERT_TRUE(p.feed("\n", out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "a\nb");
}

TEST(SseParser, EventWithoutDataIsNotDispatched) {
  auto events = parse_all("event: ping\n\nid: 3\n\n");
  EXPECT_TRUE(events.empty());
}

TEST(SseParser, UnknownFieldsAndFieldWithoutColonAreIgnored) {
  auto events = parse_all("foo: bar\ndata\ndata: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  // "data" alone is a data field with an empty value.
  EXPECT_EQ(events[0].data, "\nx");
}

TEST(SseParser, PartialEventAtEndIsReportedNotDispatched) {
  SseParser p;
  auto events = p.feed("data: complete\n\ndata: trunc");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(p.has_partial_event());
  SseParser clean;
  clean.feed("data: x\n\n");
  EXPECT_FALSE(clean.has_partial_event());
}

TEST(SseParser, BomAtStartIsIgnored) {
  auto events = parse_all("\xEF\xBB\xBF" "data: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseParser, OversizedLineFailsInsteadOfGrowingForever) {
  SseParser p(16);
  std::vector<SseEvent> out;
  EXPECT_FALSE(p.feed(std::string(64, 'a'), out));
  EXPECT_TRUE(p.failed());
  EXPECT_FALSE(p.feed("data: x\n\n", out));
  EXPECT_TRUE(out.empty());
}

TEST(SseParser, OversizedEventDataFails) {
  SseParser p(16);
  std::vector<SseEvent> out;
  EXPECT_FALSE(p.feed("data: 0123456789\ndata: 0123456789\n", out));
  EXPECT_TRUE(p.failed());
}

}  // namespace
}  // namespace ragcache::http
