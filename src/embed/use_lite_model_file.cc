#include "embed/use_lite_model_file.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstring>
#include <fstream>

#include "base/hash.h"

namespace ragcache::embed {
namespace {

constexpr std::string_view kMagic = "RCUSELT1";
constexpr std::size_t kDigestBytes = 32;
constexpr std::size_t kSectionAlign = 64;

Error bad(std::string what) { return Error(Errc::invalid_argument, "model file: " + std::move(what)); }

template <class T>
T read_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // the file is little-endian, as is every target we build for
  return v;
}

template <class T>
void append_le(std::string& out, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.append(b, sizeof v);
}

Result<std::uint64_t> json_uint(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_uint64()) return v->get_uint64();
  if (v && v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
  return bad("header field \"" + std::string(key) + "\" must be a non-negative integer");
}

std::string json_string(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Result<void> parse_tensor(const boost::json::value& entry, std::string_view weights, UseLiteModelFile& out) {
  const auto* o = entry.if_object();
  if (!o) return bad("a weight entry is not an object");
  const std::string name = json_string(*o, "name");
  const std::string dtype = json_string(*o, "dtype");
  const auto* shape = o->if_contains("shape");
  auto offset = json_uint(*o, "offset");
  auto bytes = json_uint(*o, "bytes");
  if (name.empty() || !shape || !shape->is_array() || !offset || !bytes) return bad("malformed weight entry");
  ModelTensor t;
  for (const auto& d : shape->get_array()) {
    if (!d.is_int64() || d.get_int64() < 0) return bad("weight " + name + ": bad shape");
    t.shape.push_back(static_cast<std::size_t>(d.get_int64()));
  }
  if (*bytes != t.elements() * 4 || *offset > weights.size() || *bytes > weights.size() - *offset) {
    return bad("weight " + name + ": its bytes do not match its shape or lie outside the weights");
  }
  const char* src = weights.data() + *offset;
  if (dtype == "float32") {
    t.f32.resize(t.elements());
    std::memcpy(t.f32.data(), src, *bytes);
  } else if (dtype == "int32") {
    t.i32.resize(t.elements());
    std::memcpy(t.i32.data(), src, *bytes);
  } else {
    return bad("weight " + name + ": unsupported dtype '" + dtype + "'");
  }
  if (!out.tensors.emplace(name, std::move(t)).second) return bad("weight " + name + " appears twice");
  return {};
}

Result<void> parse_vocab(std::string_view section, std::uint64_t count, UseLiteModelFile& out) {
  out.vocab.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    if (section.size() < 12) return bad("vocabulary is truncated");
    VocabPiece p;
    p.score = read_le<double>(section.data());
    const auto len = read_le<std::uint32_t>(section.data() + 8);
    section.remove_prefix(12);
    if (section.size() < len) return bad("vocabulary is truncated");
    p.piece.assign(section.data(), len);
    section.remove_prefix(len);
    out.vocab.push_back(std::move(p));
  }
  if (!section.empty()) return bad("unexpected bytes after the vocabulary");
  return {};
}

}  // namespace

std::size_t ModelTensor::elements() const {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

Result<UseLiteModelFile> parse_use_lite_model_file(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 4 + kDigestBytes || bytes.substr(0, kMagic.size()) != kMagic) {
    return bad("not a ragcache USE-lite model (bad magic)");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - kDigestBytes);
  Sha256 sha;
  sha.update(body);
  const auto digest = sha.finish();
  if (std::memcmp(digest.data(), bytes.data() + body.size(), kDigestBytes) != 0) {
    return bad("checksum mismatch (truncated or corrupt: fetch it again)");
  }
  const auto header_len = read_le<std::uint32_t>(bytes.data() + kMagic.size());
  if (header_len > body.size() - kMagic.size() - 4) return bad("header is truncated");
  boost::system::error_code ec;
  auto header = boost::json::parse(body.substr(kMagic.size() + 4, header_len), ec);
  if (ec || !header.is_object()) return bad("header is not a JSON object");
  const auto& h = header.get_object();
  if (json_string(h, "format") != "ragcache-use-lite") return bad("unknown format");
  auto version = json_uint(h, "version");
  if (!version || *version != 1) return bad("unsupported version");
  auto w_off = json_uint(h, "weights_offset");
  auto w_len = json_uint(h, "weights_bytes");
  auto v_off = json_uint(h, "vocab_offset");
  auto v_count = json_uint(h, "vocab_count");
  if (!w_off || !w_len || !v_off || !v_count) return bad("header lacks section offsets");
  if (*w_off > body.size() || *w_len > body.size() - *w_off || *v_off < *w_off + *w_len || *v_off > body.size()) {
    return bad("sections lie outside the file");
  }
  UseLiteModelFile out;
  out.package = json_string(h, "package");
  out.package_sha256 = json_string(h, "package_sha256");
  const auto* weights = h.if_contains("weights");
  if (!weights || !weights->is_array()) return bad("header lacks the weight manifest");
  const std::string_view weight_bytes = body.substr(*w_off, *w_len);
  for (const auto& entry : weights->get_array()) {
    if (auto r = parse_tensor(entry, weight_bytes, out); !r) return r.error();
  }
  if (auto r = parse_vocab(body.substr(*v_off), *v_count, out); !r) return r.error();
  return out;
}

Result<UseLiteModelFile> read_use_lite_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Error(Errc::unavailable, "cannot read model file " + path);
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    return Error(Errc::unavailable, "cannot read model file " + path);
  }
  auto parsed = parse_use_lite_model_file(bytes);
  if (!parsed) return Error(parsed.error().code, path + ": " + parsed.error().detail);
  return parsed;
}

std::string encode_use_lite_model_file(const UseLiteModelFile& model) {
  std::string weights;
  boost::json::array manifest;
  for (const auto& [name, t] : model.tensors) {
    boost::json::array shape;
    for (auto d : t.shape) shape.push_back(static_cast<std::int64_t>(d));
    const bool is_float = !t.f32.empty() || t.i32.empty();
    manifest.push_back(boost::json::object{{"name", name},
                                           {"shape", std::move(shape)},
                                           {"dtype", is_float ? "float32" : "int32"},
                                           {"offset", weights.size()},
                                           {"bytes", t.elements() * 4}});
    if (is_float) weights.append(reinterpret_cast<const char*>(t.f32.data()), t.f32.size() * 4);
    else weights.append(reinterpret_cast<const char*>(t.i32.data()), t.i32.size() * 4);
  }
  std::string vocab;
  for (const auto& p : model.vocab) {
    append_le(vocab, p.score);
    append_le(vocab, static_cast<std::uint32_t>(p.piece.size()));
    vocab += p.piece;
  }
  auto pad = [](std::string& s) { s.resize((s.size() + kSectionAlign - 1) / kSectionAlign * kSectionAlign, '\0'); };
  boost::json::object header{{"format", "ragcache-use-lite"}, {"version", 1},
                             {"package", model.package},  {"package_sha256", model.package_sha256},
                             {"weights", std::move(manifest)}, {"weights_bytes", weights.size()},
                             {"vocab_count", model.vocab.size()}};
  // Offsets depend on the header's length: lay out with wide placeholders, then fill in (the
  // real numbers are never longer, and the padding absorbs the difference).
  header["weights_offset"] = std::uint64_t{1'000'000'000'000};
  header["vocab_offset"] = std::uint64_t{1'000'000'000'000};
  std::string head(kMagic);
  append_le(head, std::uint32_t{0});
  head += boost::json::serialize(header);
  pad(head);
  const std::size_t head_len = head.size();
  std::string padded_weights = weights;
  pad(padded_weights);
  header["weights_offset"] = head_len;
  header["vocab_offset"] = head_len + padded_weights.size();
  const std::string json = boost::json::serialize(header);
  std::string out(kMagic);
  append_le(out, static_cast<std::uint32_t>(json.size()));
  out += json;
  out.resize(head_len, '\0');
  out += padded_weights;
  out += vocab;
  Sha256 sha;
  sha.update(out);
  const auto digest = sha.finish();
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return out;
}

}  // namespace ragcache::embed
