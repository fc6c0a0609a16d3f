// The oracle for ragcache's tokenizer tests: token ids from the npm `tiktoken` (WASM) package.
//
// usage: node tiktoken_oracle.cjs <encoding> <ordinary|special> <input> <output>
//   input:  one text per line, hex-encoded bytes (so any text, newlines and invalid UTF-8
//           included, survives); the bytes are decoded with TextDecoder (WHATWG, U+FFFD for
//           invalid sequences, a leading BOM kept) before encoding.
//   output: one line per input line, the token ids separated by spaces, then a last line "END".
//   ordinary: encode_ordinary(text) (special-token text is plain text); special: encode(text, "all").
// The package is taken from RAGCACHE_NODE_TOOLS/node_modules (default: <repo>/tools/node).
"use strict";
const fs = require("fs");
const path = require("path");

const [encodingName, mode, input, output] = process.argv.slice(2);
if (!encodingName || !input || !output || (mode !== "ordinary" && mode !== "special")) {
  console.error("usage: node tiktoken_oracle.cjs <encoding> <ordinary|special> <input> <output>");
  process.exit(2);
}
const tools = process.env.RAGCACHE_NODE_TOOLS || path.resolve(__dirname, "../../../tools/node");
const { get_encoding } = require(path.join(tools, "node_modules", "tiktoken"));

const encoding = get_encoding(encodingName);
// ignoreBOM keeps a leading U+FEFF in the text (by default TextDecoder drops it).
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const lines = fs.readFileSync(input, "utf8").split("\n");
if (lines.length && lines[lines.length - 1] === "") lines.pop();
const out = [];
for (const hex of lines) {
  const text = decoder.decode(Buffer.from(hex, "hex"));
  const ids = mode === "special" ? encoding.encode(text, "all") : encoding.encode_ordinary(text);
  out.push(Array.from(ids).join(" "));
}
out.push("END");
encoding.free();
fs.writeFileSync(output + ".tmp", out.join("\n") + "\n");
fs.renameSync(output + ".tmp", output);
