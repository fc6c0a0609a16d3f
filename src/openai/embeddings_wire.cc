#include "openai/embeddings_wire.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "base/vector_bytes.h"
#include "base/base64.h"

namespace ragcache::openai {

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

Result<EmbeddingVector> vector_of(const json::value& v) {
  if (const auto* s = v.if_string()) {
    std::string bytes;
    if (!decode_base64(std::string_view(s->data(), s->size()), bytes)) return bad("embedding is not valid base64");
    return decode_vector_bytes(bytes);
  }
  const auto* a = v.if_array();
  if (!a) return bad("embedding is neither an array nor a base64 string");
  EmbeddingVector out;
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

std::string embedding_to_base64(std::span<const float> vector) { return encode_base64(encode_vector_bytes(vector)); }

Parsed<EmbeddingsRequest> parse_embeddings_request(std::string_view body, const EmbeddingsLimits& limits) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return request_error("Request body is not valid JSON: " + ec.message(), std::nullopt, "invalid_json");
  const auto* o = doc.if_object();
  if (!o) return request_error("Request body must be a JSON object");
  EmbeddingsRequest req;
  const auto* model = o->if_contains("model");
  if (!model || !model->is_string() || model->get_string().empty()) {
    return request_error("you must provide a model parameter", "model");
  }
  req.model = std::string(model->get_string());

  const auto* input = o->if_contains("input");
  if (!input || input->is_null()) return request_error("'input' is required", "input");
  auto add = [&](const json::value& v) -> std::optional<RequestError> {
    if (!v.is_string()) {
      return request_error("'input' must be a string or an array of strings", "input");
    }
    const auto& s = v.get_string();
    if (s.empty()) return request_error("'input' must not contain empty strings", "input");
    if (s.size() > limits.max_input_bytes) {
      return request_error("an 'input' item is longer than " + std::to_string(limits.max_input_bytes) + " bytes",
                                   "input");
    }
    req.inputs.emplace_back(s.data(), s.size());
    return std::nullopt;
  };
  if (input->is_array()) {
    const auto& items = input->get_array();
    if (items.empty()) return request_error("'input' must not be an empty array", "input");
    if (items.size() > limits.max_inputs) {
      return request_error("'input' has more than " + std::to_string(limits.max_inputs) + " items", "input");
    }
    req.inputs.reserve(items.size());
    for (const auto& item : items) {
      if (auto e = add(item)) return *e;
    }
  } else if (auto e = add(*input)) {
    return *e;
  }

  if (const auto* f = o->if_contains("encoding_format"); f && !f->is_null()) {
    if (!f->is_string() || (f->get_string() != "float" && f->get_string() != "base64")) {
      return request_error("'encoding_format' must be 'float' or 'base64'", "encoding_format");
    }
    req.base64 = f->get_string() == "base64";
  }
  if (const auto* d = o->if_contains("dimensions"); d && !d->is_null()) {
    if (!(d->is_int64() || d->is_uint64()) || d->to_number<std::int64_t>() < 1 || d->to_number<std::int64_t>() > 65536) {
      return request_error("'dimensions' must be a positive integer", "dimensions");
    }
    req.dimensions = d->to_number<std::size_t>();
  }
  return req;
}

std::string render_embeddings_response(std::string_view model, std::span<const EmbeddingVector> vectors, bool base64,
                                       const EmbeddingUsage& usage) {
  json::array data;
  data.reserve(vectors.size());
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    json::object item;
    item["object"] = "embedding";
    item["index"] = i;
    if (base64) {
      item["embedding"] = embedding_to_base64(vectors[i]);
    } else {
      json::array values;
      values.reserve(vectors[i].size());
      for (float x : vectors[i]) values.emplace_back(static_cast<double>(x));
      item["embedding"] = std::move(values);
    }
    data.emplace_back(std::move(item));
  }
  json::object out;
  out["object"] = "list";
  out["data"] = std::move(data);
  out["model"] = model;
  out["usage"] = json::object{{"prompt_tokens", usage.prompt_tokens}, {"total_tokens", usage.total_tokens}};
  return json::serialize(out);
}

}  // namespace ragcache::openai
