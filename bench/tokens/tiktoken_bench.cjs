// Tokens per second of the npm `tiktoken` (WASM) package, single thread, on a hex-encoded corpus
// (one text per line, written by tokens_bench_corpus). Prints one JSON line per encoding:
// {"encoding":..., "op":"encode", "tokens_per_second":... (wall clock), "tokens_per_cpu_second":...,
//  "tokens":..., "seconds":...}.
// usage: node tiktoken_bench.cjs <corpus.hex> [min seconds per encoding, default 3]
"use strict";
const fs = require("fs");
const path = require("path");

const [input, minSecondsArg] = process.argv.slice(2);
if (!input) {
  console.error("usage: node tiktoken_bench.cjs <corpus.hex> [min seconds]");
  process.exit(2);
}
const minSeconds = Number(minSecondsArg || 3);
const tools = process.env.RAGCACHE_NODE_TOOLS || path.resolve(__dirname, "../../tools/node");
const { get_encoding } = require(path.join(tools, "node_modules", "tiktoken"));

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const lines = fs.readFileSync(input, "utf8").split("\n");
if (lines.length && lines[lines.length - 1] === "") lines.pop();
const texts = lines.map((hex) => decoder.decode(Buffer.from(hex, "hex")));

for (const name of ["cl100k_base", "o200k_base"]) {
  const encoding = get_encoding(name);
  // Warm-up pass (JIT, WASM tiering), then timed passes over the whole corpus.
  let tokens = 0;
  for (const t of texts) tokens += encoding.encode_ordinary(t).length;
  let passes = 0;
  let counted = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let seconds = 0;
  while (seconds < minSeconds) {
    for (const t of texts) counted += encoding.encode_ordinary(t).length;
    ++passes;
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(JSON.stringify({ encoding: name, op: "encode", tokens_per_second: counted / seconds,
                               tokens_per_cpu_second: counted / cpuSeconds, tokens: tokens,
                               passes: passes, seconds: seconds, cpu_seconds: cpuSeconds }));
  encoding.free();
}
