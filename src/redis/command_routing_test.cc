#include "redis/command_routing.h"

#include <gtest/gtest.h>

namespace ragcache::redis {
namespace {

std::string route(const Command& cmd) {
  auto key = routing_key(cmd);
  return key ? std::string(*key) : std::string("<any>");
}

TEST(CommandRouting, OrdinaryKeyCommandsUseTheFirstArgument) {
  EXPECT_EQ(route(Command("GET", "k1")), "k1");
  EXPECT_EQ(route(Command("set", "k2", "v", "PX", 100)), "k2");
  EXPECT_EQ(route(Command("XADD", "rag:flight:{h}", "*", "c", "x")), "rag:flight:{h}");
  EXPECT_EQ(route(Command("DEL", "a{t}", "b{t}")), "a{t}");
}

TEST(CommandRouting, ScriptsUseTheirFirstKey) {
  EXPECT_EQ(route(Command("EVALSHA", "abc", 2, "lock:rag:{h}", "rag:exact:{h}", "arg")), "lock:rag:{h}");
  EXPECT_EQ(route(Command("EVAL", "return 1", 1, "k")), "k");
  EXPECT_EQ(route(Command("eval_ro", "return 1", 1, "k")), "k");
  EXPECT_EQ(route(Command("FCALL", "fn", 1, "k")), "k");
  EXPECT_EQ(route(Command("EVAL", "return 1", 0, "notakey")), "<any>");
  EXPECT_EQ(route(Command("EVAL", "return 1", "x")), "<any>");  // bad numkeys: the server will complain
}

TEST(CommandRouting, StreamsReadsUseTheFirstStream) {
  EXPECT_EQ(route(Command("XREAD", "BLOCK", 100, "STREAMS", "s{1}", "s{1}b", "0", "0")), "s{1}");
  EXPECT_EQ(route(Command("XREADGROUP", "GROUP", "g", "c", "COUNT", 1, "streams", "s2", ">")), "s2");
  EXPECT_EQ(route(Command("XREAD", "COUNT", 1)), "<any>");
}

TEST(CommandRouting, SubcommandsThenKey) {
  EXPECT_EQ(route(Command("MEMORY", "USAGE", "big")), "big");
  EXPECT_EQ(route(Command("XINFO", "STREAM", "s")), "s");
  EXPECT_EQ(route(Command("XGROUP", "CREATE", "s", "g", "$")), "s");
  EXPECT_EQ(route(Command("OBJECT", "ENCODING", "k")), "k");
  EXPECT_EQ(route(Command("BITOP", "AND", "dest", "a")), "dest");
}

TEST(CommandRouting, KeylessCommandsGoAnywhere) {
  EXPECT_EQ(route(Command("PING")), "<any>");
  EXPECT_EQ(route(Command("PUBLISH", "chan", "msg")), "<any>");
  EXPECT_EQ(route(Command("SCRIPT", "LOAD", "return 1")), "<any>");
  EXPECT_EQ(route(Command("INFO", "memory")), "<any>");
  EXPECT_EQ(route(Command("CONFIG", "GET", "maxmemory")), "<any>");
  EXPECT_EQ(route(Command("MULTI")), "<any>");
  EXPECT_EQ(route(Command("cluster", "slots")), "<any>");
}

TEST(CommandRouting, ExplicitOverrideWins) {
  Command cmd("PUBLISH", "chan", "msg");
  cmd.route_by("session:{s1}:log");
  EXPECT_EQ(route(cmd), "session:{s1}:log");
  Command copy = cmd;  // the override travels with the command (pipelines copy commands)
  EXPECT_EQ(route(copy), "session:{s1}:log");
  // The override is not sent: the RESP bytes are those of the three arguments.
  EXPECT_EQ(cmd.arg_count(), 3u);
  EXPECT_EQ(cmd.encoded(), Command("PUBLISH", "chan", "msg").encoded());
}

TEST(CommandRouting, ScriptKeysMustShareASlot) {
  EXPECT_TRUE(script_keys_share_slot(Command("EVALSHA", "sha", 2, "lock:rag:{h}", "rag:exact:{h}", "x")));
  EXPECT_FALSE(script_keys_share_slot(Command("EVALSHA", "sha", 2, "lock:rag:{h}", "rag:exact:{g}", "x")));
  EXPECT_FALSE(script_keys_share_slot(Command("EVAL", "s", 3, "a{1}", "b{1}", "foo")));
  // Arguments after the keys do not count; one key or none is always fine.
  EXPECT_TRUE(script_keys_share_slot(Command("EVAL", "s", 1, "a", "other", "args")));
  EXPECT_TRUE(script_keys_share_slot(Command("EVAL", "s", 0, "x", "y")));
  EXPECT_TRUE(script_keys_share_slot(Command("MGET", "a", "b")));  // not a script: not judged here
}

}  // namespace
}  // namespace ragcache::redis
