#include "embed/use_lite_weights.h"

#include <cmath>
#include <string>

namespace ragcache::embed {
namespace {

// Name prefixes of model.json's tensors.
constexpr std::string_view kApply = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
constexpr std::string_view kModule = "module/Encoder_en/KonaTransformer/Encode/";

Error missing(std::string_view name, std::string_view why) {
  return Error(Errc::invalid_argument, "model file: tensor " + std::string(name) + " " + std::string(why));
}

// Hands out the file's tensors: each float tensor is moved out (read once), not copied.
class Reader {
 public:
  explicit Reader(UseLiteModelFile& file) : file_(file) {}

  // The float tensor `name`, which must have exactly `shape`.
  Result<std::vector<float>> floats(const std::string& name, std::vector<std::size_t> shape) const {
    auto it = file_.tensors.find(name);
    if (it == file_.tensors.end()) return missing(name, "is missing");
    if (it->second.shape != shape) return missing(name, "has the wrong shape");
    if (it->second.f32.size() != it->second.elements()) return missing(name, "is not float32 (or was read already)");
    return std::move(it->second.f32);
  }
  Result<float> scalar(const std::string& name) const {
    auto v = floats(name, {});
    if (!v) return v.error();
    return (*v)[0];
  }
  Result<std::int32_t> int_scalar(const std::string& name) const {
    auto it = file_.tensors.find(name);
    if (it == file_.tensors.end()) return missing(name, "is missing");
    if (!it->second.shape.empty() || it->second.i32.size() != 1) return missing(name, "is not an int32 scalar");
    return it->second.i32[0];
  }
  // The shape of `name` (empty if missing): sizes that the model defines come from here.
  std::vector<std::size_t> shape_of(const std::string& name) const {
    auto it = file_.tensors.find(name);
    return it == file_.tensors.end() ? std::vector<std::size_t>{} : it->second.shape;
  }

 private:
  UseLiteModelFile& file_;
};

std::string layer_path(std::string_view prefix, int layer, std::string_view rest) {
  return std::string(prefix) + "Layer_" + std::to_string(layer) + "/TransformerLayer/" + std::string(rest);
}
std::string stack_path(int layer, std::string_view rest) {
  return std::string(kApply) + "TransformerStack/Layer_" + std::to_string(layer) + "/TransformerLayer/" +
         std::string(rest);
}

Result<LayerNormWeights> layer_norm(const Reader& r, int layer, std::string_view where, std::size_t width) {
  const std::string base = layer_path(kApply, layer, std::string(where) + "layer_prepostprocess/layer_norm/layer_norm_");
  LayerNormWeights w;
  auto scale = r.floats(base + "scale/ConcatPartitions/concat", {width});
  if (!scale) return scale.error();
  auto bias = r.floats(base + "bias/ConcatPartitions/concat", {width});
  if (!bias) return bias.error();
  w.scale = std::move(*scale);
  w.bias = std::move(*bias);
  return w;
}

Result<DenseWeights> dense(const Reader& r, const std::string& kernel, std::vector<std::size_t> kernel_shape,
                           const std::string& bias, std::size_t in, std::size_t out) {
  DenseWeights d{in, out, {}, {}};
  auto k = r.floats(kernel, std::move(kernel_shape));
  if (!k) return k.error();
  auto b = r.floats(bias, {out});
  if (!b) return b.error();
  d.kernel = std::move(*k);
  d.bias = std::move(*b);
  return d;
}

Result<TransformerLayerWeights> transformer_layer(const Reader& r, int layer, std::size_t in, std::size_t model,
                                                  std::size_t hidden, std::size_t heads) {
  TransformerLayerWeights w;
  w.heads = heads;
  if (heads == 0 || in % heads != 0) return missing("heads", "do not divide the layer width");
  auto scale = r.scalar(stack_path(layer, "MultiheadAttention/mul/y"));
  if (!scale) return scale.error();
  w.query_scale = *scale;
  auto norm = layer_norm(r, layer, "", in);
  if (!norm) return norm.error();
  w.attention_norm = std::move(*norm);
  const std::string mha = "MultiheadAttention/";
  auto qkv = dense(r, layer_path(kModule, layer, mha + "qkv_transform_single/kernel/part_0"), {1, 1, in, 3 * in},
                   layer_path(kApply, layer, mha + "qkv_transform_single/bias/ConcatPartitions/concat"), in, 3 * in);
  if (!qkv) return qkv.error();
  w.qkv = std::move(*qkv);
  auto out = dense(r, layer_path(kModule, layer, mha + "output_transform_single/kernel/part_0"), {1, 1, in, model},
                   layer_path(kApply, layer, mha + "output_transform_single/bias/ConcatPartitions/concat"), in, model);
  if (!out) return out.error();
  w.attention_out = std::move(*out);
  if (in != model) {
    auto res = dense(r, layer_path(kApply, layer, "dense/kernel/ConcatPartitions/concat"), {in, model},
                     layer_path(kApply, layer, "dense/bias/ConcatPartitions/concat"), in, model);
    if (!res) return res.error();
    w.residual = std::move(*res);
  }
  auto ffn_norm = layer_norm(r, layer, "FFN/", model);
  if (!ffn_norm) return ffn_norm.error();
  w.ffn_norm = std::move(*ffn_norm);
  auto ffn_in = dense(r, stack_path(layer, "FFN/conv1/Tensordot/Reshape_1"), {model, hidden},
                      layer_path(kApply, layer, "FFN/conv1/bias/ConcatPartitions/concat"), model, hidden);
  if (!ffn_in) return ffn_in.error();
  w.ffn_in = std::move(*ffn_in);
  auto ffn_out = dense(r, stack_path(layer, "FFN/conv2/Tensordot/Reshape_1"), {hidden, model},
                       layer_path(kApply, layer, "FFN/conv2/bias/ConcatPartitions/concat"), hidden, model);
  if (!ffn_out) return ffn_out.error();
  w.ffn_out = std::move(*ffn_out);
  return w;
}

}  // namespace

Result<UseLiteWeights> use_lite_weights(UseLiteModelFile file) {
  const Reader r(file);
  UseLiteWeights w;
  // Sizes come from the model itself: the token table, the attention output and the FFN.
  const auto table = r.shape_of("module/Embeddings_en");
  if (table.size() != 2 || table[0] == 0 || table[1] == 0 || table[1] % 2 != 0) {
    return missing("module/Embeddings_en", "is missing or not a [rows, even width] table");
  }
  w.vocab_rows = table[0];
  w.embedding_width = table[1];
  const auto out0 = r.shape_of(layer_path(kModule, 0, "MultiheadAttention/output_transform_single/kernel/part_0"));
  const auto ffn0 = r.shape_of(stack_path(0, "FFN/conv1/Tensordot/Reshape_1"));
  if (out0.size() != 4 || ffn0.size() != 2) return missing("layer 0 attention output / FFN", "is missing");
  w.model_width = out0[3];
  const std::size_t hidden = ffn0[1];
  auto heads = r.int_scalar(stack_path(1, "MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2"));
  if (!heads) return heads.error();
  if (*heads <= 0) return missing("attention heads", "must be positive");
  auto max_length = r.int_scalar("module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y");
  if (!max_length) return max_length.error();
  if (*max_length <= 0 || *max_length > 4096) return missing("ClipToMaxLength/Less/y", "is not a usable length");
  w.max_length = static_cast<std::size_t>(*max_length);
  auto eps = r.scalar(stack_path(1, "FFN/layer_prepostprocess/layer_norm/Cast/x"));
  if (!eps) return eps.error();
  w.norm_epsilon = *eps;
  auto l2 = r.scalar("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y");
  if (!l2) return l2.error();
  w.l2_epsilon = *l2;

  auto emb = r.floats("module/Embeddings_en", table);
  if (!emb) return emb.error();
  w.embeddings = std::move(*emb);
  auto inv = r.floats(std::string(kApply) + "TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1",
                      {1, w.embedding_width / 2});
  if (!inv) return inv.error();
  w.inv_timescales = std::move(*inv);
  const std::size_t widths[2] = {w.embedding_width, w.model_width};
  for (int layer = 0; layer < 2; ++layer) {
    auto l = transformer_layer(r, layer, widths[layer], w.model_width, hidden, static_cast<std::size_t>(*heads));
    if (!l) return l.error();
    w.layers[layer] = std::move(*l);
  }
  auto output = dense(r, "module/Encoder_en/hidden_layers/tanh_layer_0/weights", {w.model_width, w.model_width},
                      "module/Encoder_en/hidden_layers/tanh_layer_0/bias", w.model_width, w.model_width);
  if (!output) return output.error();
  w.output = std::move(*output);
  return w;
}

}  // namespace ragcache::embed
