#include "gateway/answer_lines.h"

#include <gtest/gtest.h>

#include <vector>

namespace ragcache::gateway {
namespace {

TEST(AnswerLines, OneLineEachWithItsTag) {
  EXPECT_EQ(event_line(R"({"a":1})"), "e{\"a\":1}\n");
  EXPECT_EQ(answer_line(R"({"a":1})"), "a{\"a\":1}\n");
  // Pretty-printed JSON becomes one line (only the raw line breaks go: newlines inside strings
  // were escaped anyway), and so does a document that ends in a newline.
  EXPECT_EQ(answer_line("{\n  \"a\": \"x\\ny\"\n}"), "a{  \"a\": \"x\\ny\"}\n");
  EXPECT_EQ(answer_line("{\"a\":1}\r\n"), "a{\"a\":1}\n");
}

TEST(AnswerLines, SplitterReassemblesLinesSplitAnywhere) {
  const std::string text = event_line(R"({"x":"one"})") + answer_line(R"({"y":2})") + event_line(R"({"z":[3]})");
  for (std::size_t step = 1; step <= text.size(); ++step) {
    LineSplitter s;
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < text.size(); i += step) {
      s.feed(text.substr(i, step), [&](char tag, std::string_view json) { lines.push_back(tag + std::string(json)); });
    }
    EXPECT_TRUE(s.idle());
    EXPECT_EQ(lines, (std::vector<std::string>{R"(e{"x":"one"})", R"(a{"y":2})", R"(e{"z":[3]})"})) << step;
  }
}

}  // namespace
}  // namespace ragcache::gateway
