#include "tokens/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tokens/errors.h"
#include "tokens/testdata/toy_vocabulary.h"

namespace ragcache::tokens {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              ("ragcache_tokens_registry_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& contents) const {
    std::ofstream(path_ / name, std::ios::binary) << contents;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::size_t index_of(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

TEST(Registry, AnEnvironmentDirectoryIsTheOnlyPlaceSearched) {
  SearchRoots roots{"/data/tt", "/opt/ragcache/bin", "/src", "/home/u"};
  EXPECT_EQ(rank_file_candidates("o200k_base", roots),
            (std::vector<std::string>{"/data/tt/o200k_base.tiktoken", "/data/tt/o200k_base.json"}));
}

TEST(Registry, SearchOrderIsExecutableThenSourceTreeThenWorkingDirectory) {
  SearchRoots roots{std::nullopt, "/work/build/src/app", "/work", "/home/u"};
  const auto c = rank_file_candidates("cl100k_base", roots);
  const auto beside = index_of(c, "/work/build/src/app/tiktoken/cl100k_base.tiktoken");
  const auto share = index_of(c, "/work/build/src/app/../share/ragcache/tiktoken/cl100k_base.json");
  const auto parent = index_of(c, "/work/tools/node/node_modules/tiktoken/encoders/cl100k_base.json");
  const auto cwd = index_of(c, "/home/u/node_modules/tiktoken/encoders/cl100k_base.json");
  ASSERT_LT(cwd, c.size());
  EXPECT_LT(beside, share);
  EXPECT_LT(share, parent);
  EXPECT_LT(parent, cwd);
}

TEST(Registry, AMissingRankFileSaysWhatToInstall) {
  TempDir empty;
  SearchRoots roots{std::nullopt, empty.path().string(), "", empty.path().string()};
  auto enc = load_encoding("o200k_base", {}, roots);
  ASSERT_FALSE(enc.has_value());
  EXPECT_EQ(enc.error().code, make_error_code(Errc::rank_file_missing));
  const std::string message = enc.error().message();
  EXPECT_NE(message.find("npm install tiktoken"), std::string::npos) << message;
  EXPECT_NE(message.find("RAGCACHE_TIKTOKEN_DIR"), std::string::npos) << message;
  EXPECT_NE(message.find("o200k_base"), std::string::npos) << message;

  SearchRoots env_roots{empty.path().string(), "", "", ""};
  auto from_env = load_encoding("cl100k_base", {}, env_roots);
  ASSERT_FALSE(from_env.has_value());
  EXPECT_NE(from_env.error().message().find(empty.path().string()), std::string::npos);

  auto explicit_file = load_encoding("cl100k_base", LoadOptions{(empty.path() / "nope.tiktoken").string()});
  ASSERT_FALSE(explicit_file.has_value());
  EXPECT_EQ(explicit_file.error().code, make_error_code(Errc::rank_file_missing));
  EXPECT_NE(explicit_file.error().message().find("npm install tiktoken"), std::string::npos);
}

TEST(Registry, ATiktokenFileUsesTheBuiltInPatternAndSpecialTokens) {
  TempDir dir;
  dir.write("cl100k_base.tiktoken", testdata::toy_tiktoken_file());
  auto enc = load_encoding("cl100k_base", {}, SearchRoots{dir.path().string(), "", "", ""});
  ASSERT_TRUE(enc.has_value()) << enc.error().message();
  EXPECT_EQ((*enc)->special_tokens().size(), 5u);
  EXPECT_EQ((*enc)->vocabulary_size(), testdata::toy_entries().size());
  EXPECT_EQ((*enc)->decode((*enc)->encode("hello world")), "hello world");
}

TEST(Registry, AJsonEncoderBringsItsOwnPatternEvenUnderANewName) {
  TempDir dir;
  dir.write("toy.json",
            testdata::toy_json_encoder(R"("pat_str":"\\S+|\\s+","special_tokens":{"<|x|>":999},)"));
  dir.write("toy2.tiktoken", testdata::toy_tiktoken_file());
  auto enc = load_encoding("toy", {}, SearchRoots{dir.path().string(), "", "", ""});
  ASSERT_TRUE(enc.has_value()) << enc.error().message();
  EXPECT_EQ((*enc)->encode_with_special_tokens("<|x|>"), std::vector<Rank>{999});
  // A bare rank file under a name without a built-in definition has no pattern to use.
  auto bare = load_encoding("toy2", {}, SearchRoots{dir.path().string(), "", "", ""});
  ASSERT_FALSE(bare.has_value());
  EXPECT_EQ(bare.error().code, make_error_code(Errc::unknown_encoding));
}

TEST(Registry, RejectsNamesThatAreNotFileNames) {
  for (const std::string bad : {"", "../etc/passwd", "a/b", "..", "x y"}) {
    auto enc = load_encoding(bad, {}, SearchRoots{});
    ASSERT_FALSE(enc.has_value()) << bad;
    EXPECT_EQ(enc.error().code, make_error_code(Errc::unknown_encoding)) << bad;
  }
}

TEST(Registry, GetEncodingCachesOneInstancePerName) {
  TempDir dir;
  dir.write("cl100k_base.tiktoken", testdata::toy_tiktoken_file());
  const LoadOptions options{(dir.path() / "cl100k_base.tiktoken").string()};
  auto first = get_encoding("cl100k_base", options);
  auto second = get_encoding("cl100k_base", options);
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->get(), second->get());
}

}  // namespace
}  // namespace ragcache::tokens
