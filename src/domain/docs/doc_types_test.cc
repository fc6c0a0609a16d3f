#include "domain/docs/doc_types.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "domain/docs/doc_keys.h"

namespace ragcache::docs {
namespace {

const std::string kSha(64, 'a');

TEST(DocKeys, AllKeysOfADocumentShareItsHashTag) {
  auto k = doc_keys({}, "handbook.pdf");
  EXPECT_EQ(k.doc, "doc:{handbook.pdf}");
  EXPECT_EQ(k.lock, "lock:doc:{handbook.pdf}");
  EXPECT_EQ(k.answers, "doc:{handbook.pdf}:answers");
  EXPECT_EQ(k.stale, "doc:{handbook.pdf}:stale");
}

TEST(DocKeys, ValidatesIdsAndHashes) {
  EXPECT_TRUE(validate_doc_id("a/b c.pdf"));
  EXPECT_FALSE(validate_doc_id(""));
  EXPECT_FALSE(validate_doc_id("x{y"));
  EXPECT_FALSE(validate_doc_id(std::string(1, '\0')));
  EXPECT_EQ(*normalize_sha256(std::string(64, 'F')), std::string(64, 'f'));
  EXPECT_FALSE(normalize_sha256("abc"));
  EXPECT_FALSE(normalize_sha256(std::string(64, 'g')));
}

TEST(SourceDocs, ParsesTheHeader) {
  auto ids = parse_source_docs(" a, b ,,a,c ");
  ASSERT_TRUE(ids);
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(parse_source_docs("")->empty());
  EXPECT_FALSE(parse_source_docs("a,{b}"));
  EXPECT_FALSE(parse_source_docs("a,b,c", 2));
}

TEST(DocJson, BeginResultRoundTripsThroughFinishRequest) {
  BeginResult r;
  r.status = BeginResult::Status::acquired;
  r.doc_id = "d1";
  r.content_sha256 = kSha;
  r.ticket = IngestTicket{"d1", kSha, "tok123", 7};
  r.lease_ms = 30000;
  r.version = 2;
  auto v = to_json(r);
  EXPECT_EQ(v.at("status").as_string(), "acquired");
  EXPECT_EQ(v.at("fence").as_int64(), 7);
  // The client sends back what begin returned, plus chunk_count.
  auto body = v;
  body.as_object()["chunk_count"] = 12;
  auto req = finish_request_from_json(body, "d1");
  ASSERT_TRUE(req) << req.error().message();
  EXPECT_EQ(req->ticket.token, "tok123");
  EXPECT_EQ(req->ticket.fence, 7);
  EXPECT_EQ(req->ticket.content_sha256, kSha);
  EXPECT_EQ(req->chunk_count, 12);
  auto back = begin_result_from_json(v);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ticket.token, "tok123");
  EXPECT_EQ(back->ticket.fence, 7);
  EXPECT_EQ(back->version, 2);
}

TEST(DocJson, BusyAndUnchangedCarryTheirFields) {
  BeginResult busy;
  busy.status = BeginResult::Status::busy;
  busy.doc_id = "d";
  busy.content_sha256 = kSha;
  busy.holder = "worker-2";
  busy.since_ms = 1234;
  busy.retry_after_ms = 500;
  auto v = to_json(busy);
  EXPECT_EQ(v.at("holder").as_string(), "worker-2");
  EXPECT_FALSE(v.as_object().contains("token"));
  auto back = begin_result_from_json(v);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, BeginResult::Status::busy);
  EXPECT_EQ(back->since_ms, 1234);

  BeginResult same;
  same.status = BeginResult::Status::unchanged;
  same.doc_id = "d";
  same.content_sha256 = kSha;
  same.chunk_count = 9;
  EXPECT_EQ(to_json(same).at("chunk_count").as_int64(), 9);
}

TEST(DocJson, BadBodiesGiveOneClearError) {
  EXPECT_FALSE(begin_request_from_json(boost::json::parse("[]")));
  EXPECT_FALSE(begin_request_from_json(boost::json::parse("{}")));
  EXPECT_FALSE(begin_request_from_json(boost::json::parse(R"({"content_sha256": 5})")));
  auto ok = begin_request_from_json(boost::json::parse(R"({"content_sha256":")" + std::string(64, 'B') + R"(","holder":"w1"})"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->content_sha256, std::string(64, 'b'));
  EXPECT_EQ(ok->holder, "w1");

  auto missing = finish_request_from_json(boost::json::parse(R"({"content_sha256":")" + kSha + R"("})"), "d");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().detail.find("token"), std::string::npos);
  auto other_doc = finish_request_from_json(
      boost::json::parse(R"({"doc_id":"x","token":"t","fence":1,"content_sha256":")" + kSha + R"("})"), "d");
  EXPECT_FALSE(other_doc);
  auto bad_fence = finish_request_from_json(
      boost::json::parse(R"({"token":"t","fence":"1","content_sha256":")" + kSha + R"("})"), "d");
  EXPECT_FALSE(bad_fence);
  EXPECT_FALSE(begin_result_from_json(boost::json::parse(R"({"status":"maybe","doc_id":"d","content_sha256":"x"})")));
}

}  // namespace
}  // namespace ragcache::docs
