// The reference token ids and vectors of testdata/use_lite_reference.json (made once with the
// npm packages by tools/node/use_lite_reference.js), for the neural embedder's tests.
#pragma once

#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ragcache::embed::testing {

struct ReferenceSentence {
  std::string text;
  std::vector<std::int32_t> ids;
  std::vector<float> vector;  // empty for a text without tokens
};

inline std::vector<std::uint8_t> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::vector<std::uint8_t> out;
  int bits = 0, acc = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;  // padding
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  return out;
}

inline std::vector<ReferenceSentence> reference_sentences() {
  std::ifstream in(std::string(RAGCACHE_SOURCE_DIR) + "/src/embed/testdata/use_lite_reference.json");
  std::stringstream buf;
  buf << in.rdbuf();
  std::vector<ReferenceSentence> out;
  const auto doc = boost::json::parse(buf.str());
  for (const auto& s : doc.at("sentences").as_array()) {
    ReferenceSentence r;
    r.text = std::string(s.at("text").as_string());
    for (const auto& id : s.at("ids").as_array()) r.ids.push_back(static_cast<std::int32_t>(id.as_int64()));
    if (const auto* v = s.as_object().if_contains("vector_f32_base64")) {
      const auto bytes = base64_decode(v->as_string());
      r.vector.resize(bytes.size() / 4);
      std::memcpy(r.vector.data(), bytes.data(), r.vector.size() * 4);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ragcache::embed::testing
