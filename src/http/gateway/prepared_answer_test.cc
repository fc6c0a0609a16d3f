#include "http/gateway/prepared_answer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ragcache::gateway {
namespace {

namespace json = boost::json;

std::vector<std::string> sample_answers() {
  return {
      content_event("Hello") + content_event(", \"world\"\n") +
          finish_event("stop", "m-1", json::parse(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":7})")),
      content_event("Tab\t, ctrl \x01, caf\xc3\xa9") + finish_event("length", "m-2", json::value()),
      finish_event("stop", "m-3", json::parse(R"({"total_tokens":1})")),  // no content at all
      content_event("") + finish_event("stop", "m", json::value()),        // an empty piece
      content_event("unfinished"),                                          // no finish event
  };
}

// Whatever a hit sends from the prepared form is byte for byte what rendering the folded
// events from scratch sends (the way every hit was answered before).
TEST(PreparedAnswer, RendersExactlyWhatTheEventsRenderTo) {
  const ResponseIdentity id{"chatcmpl-abc", 1700000000, "asked \"model\""};
  for (const auto& events : sample_answers()) {
    SCOPED_TRACE(events);
    AnswerBuilder folded;
    const std::size_t pieces = folded.absorb(events);
    auto p = prepare_answer(events);
    EXPECT_EQ(p->pieces, pieces);
    EXPECT_EQ(p->answer.content(), folded.content());
    EXPECT_EQ(p->answer.finish_reason(), folded.finish_reason());
    EXPECT_EQ(render_completion(id, p->completion_tail), render_completion(id, folded));
    EXPECT_EQ(render_content_chunk_from_delta(id, p->content_delta), render_content_chunk(id, folded.content()));
    for (bool include_usage : {false, true}) {
      EXPECT_EQ(render_final_chunks(id, final_finish_reason(p->answer), p->usage_json, include_usage),
                render_final_chunks(id, folded, include_usage));
    }
  }
}

TEST(AnswerMemo, PreparesEachAnswerOnceAndTellsAnswersApart) {
  AnswerMemo memo;
  const auto answers = sample_answers();
  auto first = memo.get(answers[0]);
  auto again = memo.get(std::string(answers[0]));  // equal bytes, another buffer
  EXPECT_EQ(first.get(), again.get());
  auto other = memo.get(answers[1]);
  EXPECT_NE(first.get(), other.get());
  EXPECT_EQ(other->answer.content(), prepare_answer(answers[1])->answer.content());
  EXPECT_EQ(memo.size(), 2u);
}

TEST(AnswerMemo, StaysWithinItsBudgetAndKeepsAnswersInUse) {
  AnswerMemo memo(16 * 1024);
  const std::string hot = content_event("the hot answer") + finish_event("stop", "m", json::value());
  auto hot_prepared = memo.get(hot);
  for (int i = 0; i < 500; ++i) {
    const std::string text = "answer number " + std::to_string(i);
    auto p = memo.get(content_event(text) + finish_event("stop", "m", json::value()));
    EXPECT_EQ(p->answer.content(), text);
    // Served now and then: moves forward each time its generation is retired.
    if (i % 5 == 0) {
      EXPECT_EQ(memo.get(hot)->answer.content(), "the hot answer");
    }
  }
  EXPECT_LT(memo.size(), 500u);  // old answers were dropped
  EXPECT_GT(memo.size(), 0u);
  EXPECT_EQ(memo.get(hot).get(), hot_prepared.get());  // never dropped while in use

  AnswerMemo tiny(64);  // an answer larger than half the budget is prepared, not kept
  EXPECT_EQ(tiny.get(hot)->answer.content(), "the hot answer");
  EXPECT_EQ(tiny.size(), 0u);
}

}  // namespace
}  // namespace ragcache::gateway
