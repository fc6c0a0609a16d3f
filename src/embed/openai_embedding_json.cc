#include "embed/openai_embedding_json.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "embed/vector_bytes.h"
#include "tokens/base64.h"

namespace ragcache::embed {

namespace json = boost::json;

std::string build_embedding_request(std::string_view model, std::span<const std::string> inputs,
                                    std::optional<std::size_t> dimensions) {
  json::object o;
  o["model"] = model;
  json::array in;
  in.reserve(inputs.size());
  for (const auto& t : inputs) in.emplace_back(t);
  o["input"] = std::move(in);
  o["encoding_format"] = "float";
  if (dimensions) o["dimensions"] = *dimensions;
  return json::serialize(o);
}

namespace {

Error bad(std::string what) { return Error(Errc::invalid_argument, "embeddings response: " + std::move(what)); }

Result<Vector> vector_of(const json::value& v) {
  if (const auto* s = v.if_string()) {
    std::string bytes;
    if (!tokens::decode_base64(std::string_view(s->data(), s->size()), bytes)) return bad("embedding is not valid base64");
    return decode_vector_bytes(bytes);
  }
  const auto* a = v.if_array();
  if (!a) return bad("embedding is neither an array nor a base64 string");
  Vector out;
  out.reserve(a->size());
  for (const auto& x : *a) {
    if (!x.is_number()) return bad("embedding has a non-numeric component");
    const auto f = static_cast<float>(x.to_number<double>());
    if (!std::isfinite(f)) return bad("embedding has a non-finite component");
    out.push_back(f);
  }
  return out;
}

std::int64_t int_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_int64() ? v->get_int64() : (v && v->is_uint64() ? static_cast<std::int64_t>(v->get_uint64()) : 0);
}

}  // namespace

Result<ParsedEmbeddings> parse_embedding_response(std::string_view body, std::size_t expected) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return bad("not JSON: " + ec.message());
  const auto* o = doc.if_object();
  const auto* data = o ? o->if_contains("data") : nullptr;
  if (!data || !data->is_array()) return bad("no 'data' array");
  const auto& items = data->get_array();
  if (items.size() != expected) {
    return bad("expected " + std::to_string(expected) + " embeddings, got " + std::to_string(items.size()));
  }
  ParsedEmbeddings out;
  out.vectors.resize(expected);
  std::vector<bool> seen(expected, false);
  std::size_t dimension = 0;
  for (std::size_t pos = 0; pos < items.size(); ++pos) {
    const auto* item = items[pos].if_object();
    if (!item) return bad("a 'data' item is not an object");
    std::size_t index = pos;  // servers that omit `index` answer in input order
    if (const auto* i = item->if_contains("index")) {
      if (!i->is_int64() && !i->is_uint64()) return bad("'index' is not an integer");
      const auto n = i->to_number<std::int64_t>();
      if (n < 0 || static_cast<std::size_t>(n) >= expected) return bad("'index' " + std::to_string(n) + " out of range");
      index = static_cast<std::size_t>(n);
    }
    if (seen[index]) return bad("'index' " + std::to_string(index) + " appears twice");
    seen[index] = true;
    const auto* e = item->if_contains("embedding");
    if (!e) return bad("a 'data' item has no 'embedding'");
    auto v = vector_of(*e);
    if (!v) return v.error();
    if (v->empty()) return bad("an embedding is empty");
    if (dimension == 0) dimension = v->size();
    if (v->size() != dimension) return bad("embeddings of different lengths");
    out.vectors[index] = std::move(*v);
  }
  if (const auto* usage = o->if_contains("usage"); usage && usage->is_object()) {
    out.usage.prompt_tokens = int_field(usage->get_object(), "prompt_tokens");
    out.usage.total_tokens = int_field(usage->get_object(), "total_tokens");
  }
  if (const auto* m = o->if_contains("model"); m && m->is_string()) out.model = std::string(m->get_string());
  return out;
}

std::string upstream_error_message(int status, std::string_view body) {
  std::string message;
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (!ec && doc.is_object()) {
    if (const auto* e = doc.get_object().if_contains("error"); e && e->is_object()) {
      if (const auto* m = e->get_object().if_contains("message"); m && m->is_string()) message = std::string(m->get_string());
    }
  }
  if (message.empty()) message = std::string(body.substr(0, 200));
  return "embeddings endpoint answered " + std::to_string(status) + (message.empty() ? "" : ": " + message);
}

}  // namespace ragcache::embed
