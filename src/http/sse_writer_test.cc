#include "http/sse_writer.h"

#include <gtest/gtest.h>

#include "http/sse_parser.h"

namespace ragcache::http {
namespace {

TEST(SseWriterFormat, SingleLine) {
  EXPECT_EQ(format_sse_event("{\"a\":1}"), "data: {\"a\":1}\n\n");
}

TEST(SseWriterFormat, MultiLineAndEventName) {
  EXPECT_EQ(format_sse_event("a\nb\r\nc", "delta"), "event: delta\ndata: a\ndata: b\ndata: c\n\n");
}

TEST(SseWriterFormat, CommentCannotBreakFraming) {
  EXPECT_EQ(format_sse_comment("ping\nx"), ": ping x\n\n");
}

TEST(SseWriterFormat, RoundTripsThroughParser) {
  for (std::string_view data : {"plain", "two\nlines", "", "trailing\n", "[DONE]"}) {
    SseParser p;
    auto events = p.feed(format_sse_event(data, "e"));
    ASSERT_EQ(events.size(), 1u) << data;
    EXPECT_EQ(events[0].data, data);
    EXPECT_EQ(events[0].event, "e");
  }
  SseParser p;
  EXPECT_TRUE(p.feed(std::string(kSseDone)).at(0).is_done());
}

}  // namespace
}  // namespace ragcache::http
