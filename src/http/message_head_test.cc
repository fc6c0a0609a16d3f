#include "http/message_head.h"

#include <gtest/gtest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ragcache::http {
namespace {

namespace bhttp = boost::beast::http;

// The header block Beast's serializer writes for a message.
template <bool isRequest, class Body>
std::string beast_head(bhttp::message<isRequest, Body>& m) {
  bhttp::serializer<isRequest, Body> sr(m);
  sr.split(true);
  std::string out;
  boost::system::error_code ec;
  while (!sr.is_header_done()) {
    sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
      out += boost::beast::buffers_to_string(buffers);
      sr.consume(boost::beast::buffer_bytes(buffers));
    });
    if (ec) ADD_FAILURE() << ec.message();
  }
  return out;
}

std::string beast_whole(unsigned version, int status, std::string_view type, const Headers& extra, bool keep_alive,
                        std::string body) {
  bhttp::response<bhttp::string_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(status));
  res.set(bhttp::field::content_type, type);
  for (const auto& [k, v] : extra) res.set(k, v);
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return beast_head(res);
}

std::string beast_stream(unsigned version, int status, std::string_view type, const Headers& extra, bool keep_alive) {
  bhttp::response<bhttp::empty_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(status));
  res.set(bhttp::field::content_type, type);
  for (const auto& [k, v] : extra) res.set(k, v);
  if (version >= 11) {
    res.keep_alive(keep_alive);  // (before chunked: the field order the formatter uses)
    res.chunked(true);
  } else {
    res.keep_alive(false);
  }
  return beast_head(res);
}

std::string ours(unsigned version, int status, std::string_view type, const Headers& extra, bool keep_alive,
                 BodyFraming framing, std::size_t size = 0) {
  std::string out;
  append_response_head(out, {.version = version, .status = status, .content_type = type, .extra = &extra,
                             .keep_alive = keep_alive, .framing = framing, .body_size = size});
  return out;
}

const Headers kCacheHeaders{{"X-Cache", "HIT"}, {"Cache-Status", "ragcache; hit"}};

TEST(ResponseHead, WholeResponsesMatchBeast) {
  const std::string body = R"({"ok":true})";
  for (unsigned version : {10u, 11u}) {
    for (bool keep : {true, false}) {
      for (int status : {200, 400, 404, 413, 429, 431, 500, 502, 503, 504, 204}) {
        std::string b = status == 204 ? "" : body;
        EXPECT_EQ(ours(version, status, "application/json", kCacheHeaders, keep, BodyFraming::content_length, b.size()),
                  beast_whole(version, status, "application/json", kCacheHeaders, keep, b))
            << version << " " << status << " " << keep;
      }
    }
  }
}

TEST(ResponseHead, StreamsMatchBeast) {
  Headers extra = kCacheHeaders;
  extra.emplace_back("Cache-Control", "no-cache");
  for (bool keep : {true, false}) {
    EXPECT_EQ(ours(11, 200, "text/event-stream", extra, keep, BodyFraming::chunked),
              beast_stream(11, 200, "text/event-stream", extra, keep));
  }
  EXPECT_EQ(ours(10, 200, "text/event-stream", extra, false, BodyFraming::until_close),
            beast_stream(10, 200, "text/event-stream", extra, false));
}

TEST(ResponseHead, LaterHeaderReplacesEarlierOneAsBeastSetDoes) {
  Headers extra{{"Retry-After", "1"}, {"content-type", "text/plain"}, {"retry-after", "2"}};
  auto head = ours(11, 429, "application/json", extra, true, BodyFraming::content_length, 3);
  EXPECT_EQ(head.find("application/json"), std::string::npos);
  EXPECT_NE(head.find("content-type: text/plain\r\n"), std::string::npos);
  EXPECT_NE(head.find("retry-after: 2\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Retry-After: 1"), std::string::npos);
}

TEST(ResponseHead, HeaderWithLineBreakIsLeftOut) {
  Headers extra{{"X-Evil", "a\r\nSet-Cookie: x=1"}, {"X-Ok", "fine"}};
  auto head = ours(11, 200, "application/json", extra, true, BodyFraming::content_length, 0);
  EXPECT_EQ(head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(head.find("X-Evil"), std::string::npos);
  EXPECT_NE(head.find("X-Ok: fine\r\n"), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

TEST(RequestHead, MatchesBeastForTheUpstreamClientsRequests) {
  struct Case {
    bhttp::verb method;
    std::string body;
  };
  const std::vector<HeaderField> fields{{"Host", "127.0.0.1:8081"},      {"User-Agent", "ragcache"},
                                        {"Authorization", "Bearer k"},   {"Content-Type", "application/json"},
                                        {"Accept", "text/event-stream"}, {"user-agent", "override"}};
  for (const auto& c : {Case{bhttp::verb::post, R"({"model":"m"})"}, Case{bhttp::verb::get, ""},
                        Case{bhttp::verb::post, ""}, Case{bhttp::verb::get, "x"}}) {
    bhttp::request<bhttp::string_body> req{c.method, "/v1/chat/completions", 11};
    for (const auto& [k, v] : fields) req.set(k, v);
    req.body() = c.body;
    req.keep_alive(true);
    req.prepare_payload();
    std::string head;
    append_request_head(head, c.method, "/v1/chat/completions", fields, c.body.size());
    EXPECT_EQ(head, beast_head(req)) << bhttp::to_string(c.method) << " body " << c.body.size();
  }
}

TEST(ResponseHead, ChunkSizeLineIsHex) {
  char buf[24];
  EXPECT_EQ(chunk_size_line(0, buf), "0\r\n");
  EXPECT_EQ(chunk_size_line(255, buf), "ff\r\n");
  EXPECT_EQ(chunk_size_line(4096, buf), "1000\r\n");
}

}  // namespace
}  // namespace ragcache::http
