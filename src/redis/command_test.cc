#include "redis/command.h"

#include <gtest/gtest.h>

#include "redis/endpoint.h"
#include "redis/errors.h"
#include "redis/reader.h"

namespace ragcache::redis {
namespace {

TEST(Command, EncodesRespArrayOfBulkStrings) {
  Command cmd("SET", "k", std::string("a\0b", 3), 42);
  EXPECT_EQ(cmd.arg_count(), 4u);
  static constexpr char kWire[] = "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na\0b\r\n$2\r\n42\r\n";
  EXPECT_EQ(cmd.encoded(), std::string(kWire, sizeof kWire - 1));
  EXPECT_EQ(cmd.name(), "SET");
  EXPECT_EQ(cmd.arg_at(2), std::string_view("a\0b", 3));
}

TEST(Command, EmptyArgumentIsZeroLengthBulk) {
  EXPECT_EQ(Command("GET", "").encoded(), "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
}

TEST(Command, DoublesRoundTrip) {
  Command cmd("ZADD", "z", 0.1, "m");
  EXPECT_EQ(std::stod(std::string(cmd.arg_at(2))), 0.1);
}

TEST(Endpoint, ParsesTcpWithCredentialsAndDb) {
  auto ep = parse_endpoint("redis://alice:p%40ss@example.com:6380/3");
  ASSERT_TRUE(ep.has_value()) << ep.error().message();
  EXPECT_EQ(ep->transport, Endpoint::Transport::tcp);
  EXPECT_EQ(ep->host, "example.com");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->user, "alice");
  EXPECT_EQ(ep->password, "p@ss");
  EXPECT_EQ(ep->db, 3);
  EXPECT_EQ(ep->describe(), "redis://example.com:6380");  // no credentials in logs
}

TEST(Endpoint, ParsesPasswordOnlyAndDefaults) {
  auto ep = parse_endpoint("rediss://:secret@localhost");
  ASSERT_TRUE(ep.has_value());
  EXPECT_EQ(ep->transport, Endpoint::Transport::tls);
  EXPECT_EQ(ep->user, "");
  EXPECT_EQ(ep->password, "secret");
  EXPECT_EQ(ep->port, 6379);
}

TEST(Endpoint, ParsesUnixSocket) {
  auto ep = parse_endpoint("unix:///tmp/r.sock?db=2&password=x");
  ASSERT_TRUE(ep.has_value());
  EXPECT_EQ(ep->transport, Endpoint::Transport::unix_socket);
  EXPECT_EQ(ep->path, "/tmp/r.sock");
  EXPECT_EQ(ep->db, 2);
  EXPECT_EQ(ep->password, "x");
}

TEST(Endpoint, RejectsBadUrls) {
  for (const char* bad : {"http://x:1", "redis://", "redis://h:1/notanumber", "not a url", "unix://"}) {
    auto ep = parse_endpoint(bad);
    ASSERT_FALSE(ep.has_value()) << bad;
    EXPECT_EQ(ep.error().code, Errc::bad_url) << bad;
  }
}

TEST(ReplyReader, ParsesSplitNestedReplies) {
  ReplyReader reader;
  std::string bytes = "*2\r\n*2\r\n:1\r\n$-1\r\n-ERR boom\r\n+OK\r\n";
  // Fed one byte at a time: replies appear only when complete.
  std::vector<Reply> got;
  for (char c : bytes) {
    ASSERT_TRUE(reader.feed(std::string_view(&c, 1)).has_value());
    for (;;) {
      auto r = reader.next();
      ASSERT_TRUE(r.has_value());
      if (!*r) break;
      got.push_back(std::move(**r));
    }
  }
  ASSERT_EQ(got.size(), 2u);
  ASSERT_TRUE(got[0].is_array());
  ASSERT_EQ(got[0].elements.size(), 2u);
  EXPECT_TRUE(got[0].elements[0].is_array());
  EXPECT_EQ(got[0].elements[0].elements[0].integer, 1);
  EXPECT_TRUE(got[0].elements[0].elements[1].is_nil());
  EXPECT_TRUE(got[0].elements[1].is_error());
  EXPECT_EQ(got[0].elements[1].str, "ERR boom");
  EXPECT_EQ(got[1].kind, Reply::Kind::status);
}

TEST(ReplyReader, CorruptStreamIsAnError) {
  ReplyReader reader;
  ASSERT_TRUE(reader.feed("?garbage\r\n").has_value());
  auto r = reader.next();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::protocol_error);
}

TEST(Reply, TypedAccessors) {
  EXPECT_EQ(*Reply::make_integer(7).as_integer(), 7);
  EXPECT_EQ(*Reply::make_bulk("12").as_integer(), 12);
  EXPECT_FALSE(Reply::make_bulk("x").as_integer().has_value());
  EXPECT_FALSE(Reply::make_nil().as_string().has_value());
  EXPECT_FALSE(Reply::make_nil().as_optional_string()->has_value());
}

}  // namespace
}  // namespace ragcache::redis
