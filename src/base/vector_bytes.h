// The stored form of an embedding vector: float32, little-endian, no header (dimension = bytes / 4).
// Used for `emb:` entries (embed/embedding_cache.h), the semantic cache's stored vectors and the
// base64 vectors of OpenAI's embeddings API (openai/embeddings_wire.h).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ragcache {

std::string encode_vector_bytes(std::span<const float> vector);
// invalid_argument if the byte count is not a multiple of 4 or a component is not finite.
Result<std::vector<float>> decode_vector_bytes(std::string_view bytes);

}  // namespace ragcache
