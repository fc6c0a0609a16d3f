#include "domain/cache/entry_codec.h"

#include <zstd.h>

#include <cstdint>

#include "domain/cache/errors.h"

namespace ragcache::cache {
namespace {

constexpr std::string_view kMagic = "RCE1";
constexpr unsigned char kFlagZstd = 0x01;

Error corrupt(std::string what) { return Error(Errc::corrupt_entry, std::move(what)); }

}  // namespace

std::optional<EncodedEntry> encode_entry(std::string_view canonical, std::string_view answer,
                                         const CodecOptions& options) {
  std::string body;
  body.reserve(4 + canonical.size() + answer.size());
  auto n = static_cast<std::uint32_t>(canonical.size());
  for (int shift = 24; shift >= 0; shift -= 8) body.push_back(static_cast<char>((n >> shift) & 0xff));
  body.append(canonical).append(answer);

  EncodedEntry out;
  out.bytes.append(kMagic);
  if (body.size() >= options.compress_threshold) {
    std::string packed(ZSTD_compressBound(body.size()), '\0');
    std::size_t size = ZSTD_compress(packed.data(), packed.size(), body.data(), body.size(), options.compress_level);
    // Keep the compressed form only when it is smaller (already-compressed text is not).
    if (!ZSTD_isError(size) && size < body.size()) {
      packed.resize(size);
      out.compressed = true;
      out.bytes.push_back(static_cast<char>(kFlagZstd));
      out.bytes.append(packed);
    }
  }
  if (!out.compressed) {
    out.bytes.push_back('\0');
    out.bytes.append(body);
  }
  if (out.bytes.size() > options.max_entry_bytes) return std::nullopt;
  return out;
}

Result<DecodedEntry> decode_entry(std::string_view bytes, const CodecOptions& options) {
  if (bytes.size() < kMagic.size() + 1 || bytes.substr(0, kMagic.size()) != kMagic) return corrupt("bad magic");
  auto flags = static_cast<unsigned char>(bytes[kMagic.size()]);
  std::string_view rest = bytes.substr(kMagic.size() + 1);
  std::string inflated;
  if (flags & kFlagZstd) {
    unsigned long long size = ZSTD_getFrameContentSize(rest.data(), rest.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return corrupt("bad zstd frame");
    if (size > options.max_decoded_bytes) return corrupt("entry inflates beyond the limit");
    inflated.resize(static_cast<std::size_t>(size));
    std::size_t got = ZSTD_decompress(inflated.data(), inflated.size(), rest.data(), rest.size());
    if (ZSTD_isError(got) || got != size) return corrupt("zstd decompression failed");
    rest = inflated;
  } else if (flags != 0) {
    return corrupt("unknown flags");
  }
  if (rest.size() < 4) return corrupt("truncated header");
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(rest[i]);
  if (rest.size() - 4 < n) return corrupt("truncated canonical bytes");
  DecodedEntry out;
  out.canonical.assign(rest.substr(4, n));
  out.answer.assign(rest.substr(4 + n));
  return out;
}

Result<std::optional<std::string>> decode_verified(std::string_view bytes, std::string_view expected_canonical,
                                                   const CodecOptions& options) {
  auto entry = decode_entry(bytes, options);
  if (!entry) return entry.error();
  if (entry->canonical != expected_canonical) return std::optional<std::string>();
  return std::optional<std::string>(std::move(entry->answer));
}

}  // namespace ragcache::cache
