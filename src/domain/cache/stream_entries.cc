#include "domain/cache/stream_entries.h"

#include "redis/errors.h"

namespace ragcache::cache {
namespace {

Error bad(const char* what) { return Error(redis::Errc::unexpected_reply, what); }

}  // namespace

std::optional<std::string_view> StreamEntry::field(std::string_view name) const {
  for (const auto& [k, v] : fields) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Result<std::vector<StreamEntry>> parse_entries(const redis::Reply& reply) {
  std::vector<StreamEntry> out;
  if (reply.is_nil()) return out;
  if (!reply.is_array()) return bad("stream entries: not an array");
  out.reserve(reply.elements.size());
  for (const auto& e : reply.elements) {
    if (!e.is_array() || e.elements.size() != 2 || !e.elements[0].is_string()) return bad("stream entry shape");
    StreamEntry entry;
    entry.id_text = e.elements[0].str;
    auto id = StreamId::parse(entry.id_text);
    if (!id) return bad("stream entry id");
    entry.id = *id;
    const auto& kv = e.elements[1];
    if (kv.is_array()) {
      if (kv.elements.size() % 2 != 0) return bad("stream entry fields");
      for (std::size_t i = 0; i + 1 < kv.elements.size(); i += 2) {
        entry.fields.emplace_back(kv.elements[i].str, kv.elements[i + 1].str);
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<StreamEntry>> parse_xread(const redis::Reply& reply) {
  if (reply.is_nil()) return std::vector<StreamEntry>();
  if (!reply.is_array() || reply.elements.empty()) return bad("XREAD: not an array");
  const auto& stream = reply.elements[0];
  if (!stream.is_array() || stream.elements.size() != 2) return bad("XREAD: stream shape");
  return parse_entries(stream.elements[1]);
}

}  // namespace ragcache::cache
