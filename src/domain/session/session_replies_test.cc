#include "domain/session/session_replies.h"

#include <gtest/gtest.h>

#include "domain/session/errors.h"

namespace ragcache::session {
namespace {

using redis::Reply;

Reply array(std::vector<Reply> elements) {
  Reply r;
  r.kind = Reply::Kind::array;
  r.elements = std::move(elements);
  return r;
}

Reply strings(std::vector<std::string> values) {
  std::vector<Reply> out;
  for (auto& v : values) out.push_back(Reply::make_bulk(v));
  return array(std::move(out));
}

TEST(SessionReplies, Append) {
  auto r = parse_append_reply(array({Reply::make_integer(2), Reply::make_integer(30), Reply::make_integer(7),
                                     Reply::make_integer(1), Reply::make_integer(1), Reply::make_integer(1),
                                     Reply::make_bulk("c"), Reply::make_bulk("b"), Reply::make_bulk("a")}));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->count, 2u);
  EXPECT_EQ(r->token_total, 30u);
  EXPECT_EQ(r->version, 7);
  EXPECT_EQ(r->appended, std::vector<std::string>{"c"});
  EXPECT_EQ(r->duplicates, std::vector<std::string>{"b"});
  EXPECT_EQ(r->trimmed, std::vector<std::string>{"a"});
}

TEST(SessionReplies, AppendOfAnotherShapeIsCorrupt) {
  EXPECT_FALSE(parse_append_reply(Reply::make_integer(1)));
  EXPECT_FALSE(parse_append_reply(array({Reply::make_integer(1)})));
  auto r = parse_append_reply(array({Reply::make_integer(-1), Reply::make_integer(0), Reply::make_integer(1),
                                     Reply::make_integer(0), Reply::make_integer(0), Reply::make_integer(0)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::corrupt_state));
  // Counts that promise more ids than the reply holds.
  r = parse_append_reply(array({Reply::make_integer(1), Reply::make_integer(5), Reply::make_integer(1),
                                Reply::make_integer(2), Reply::make_integer(0), Reply::make_integer(0),
                                Reply::make_bulk("a")}));
  EXPECT_FALSE(r);
}

TEST(SessionReplies, AppendItemsOfAGroupCallAreIndependent) {
  Reply failed;
  failed.kind = Reply::Kind::error;
  failed.str = "WRONGTYPE Operation against a key holding the wrong kind of value";
  auto ok_item = array({Reply::make_integer(1), Reply::make_integer(5), Reply::make_integer(1), Reply::make_integer(1),
                        Reply::make_integer(0), Reply::make_integer(0), Reply::make_bulk("m1")});
  auto reply = array({ok_item, failed});
  auto first = parse_append_item(reply, 0, 2);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->appended, std::vector<std::string>{"m1"});
  auto second = parse_append_item(reply, 1, 2);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("WRONGTYPE"), std::string::npos);
  // A reply with another number of results than sessions sent is corrupt for every one of them.
  EXPECT_EQ(parse_append_item(reply, 0, 3).error().code, make_error_code(Errc::corrupt_state));
  EXPECT_EQ(parse_append_item(Reply::make_integer(1), 0, 1).error().code, make_error_code(Errc::corrupt_state));
}

TEST(SessionReplies, ReadOfAMissingSessionIsEmpty) {
  std::vector<Reply> nils(7, Reply::make_nil());
  auto w = parse_read_reply("s1", array({strings({}), array(nils)}));
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_FALSE(w->exists());
  EXPECT_TRUE(w->messages.empty());
  EXPECT_FALSE(w->resolved_context);
}

TEST(SessionReplies, ReadWithMessagesAndMeta) {
  auto w = parse_read_reply(
      "s1", array({strings({R"({"id":"a","role":"user","content":"hi","tokens":5,"ts":1})",
                            R"({"id":"b","role":"assistant","content":"yo","tokens":6,"ts":2})"}),
                   array({Reply::make_bulk("11"), Reply::make_bulk("the user is Ann"), Reply::make_nil(),
                          Reply::make_bulk("u1"), Reply::make_bulk("1"), Reply::make_bulk("2"), Reply::make_bulk("3")})}));
  ASSERT_TRUE(w) << w.error().message();
  ASSERT_EQ(w->messages.size(), 2u);
  EXPECT_EQ(w->messages[1].content, "yo");
  EXPECT_EQ(w->token_total, 11u);
  EXPECT_EQ(w->resolved_context, "the user is Ann");
  EXPECT_FALSE(w->summary);
  EXPECT_EQ(w->user_id, "u1");
  EXPECT_EQ(w->version, 3);
  auto json = w->to_json();
  EXPECT_EQ(json.at("token_total").as_uint64(), 11u);
  EXPECT_EQ(json.at("resolved_context"), "the user is Ann");
  EXPECT_TRUE(json.at("summary").is_null());
  EXPECT_EQ(json.at("messages").as_array().size(), 2u);
  EXPECT_EQ(w->openai_messages().at(0).as_object().at("role"), "user");
}

TEST(SessionReplies, ReadWithAMessageNotJsonIsCorrupt) {
  std::vector<Reply> nils(7, Reply::make_nil());
  auto w = parse_read_reply("s1", array({strings({"garbage"}), array(nils)}));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, make_error_code(Errc::corrupt_state));
}

TEST(SessionReplies, UserSessions) {
  auto r = parse_user_sessions_reply(strings({"s2", "1732665600123", "s1", "1732665600000"}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].session_id, "s2");
  EXPECT_EQ((*r)[0].last_activity_ms, 1732665600123);
  EXPECT_FALSE(parse_user_sessions_reply(strings({"s1"})));
  EXPECT_FALSE(parse_user_sessions_reply(strings({"s1", "x"})));
}

}  // namespace
}  // namespace ragcache::session
