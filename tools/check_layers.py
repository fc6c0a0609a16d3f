#!/usr/bin/env python3
"""Fails when an #include in src/ runs against the layer order written in docs/architecture.md.

Usage: python3 tools/check_layers.py [--root REPO] [--doc docs/architecture.md]

The table between <!-- layers:begin --> and <!-- layers:end --> gives each layer a number and its
folders (in backticks). A file belongs to the folder of the table that is the longest prefix of
its path under src/ (src/domain/docs/x.cc -> domain/docs, src/domain/cache/testbin/y.cc ->
domain/cache). An include "a/b/c.h" names the folder the same way. Allowed: its own folder, or a
folder of a lower layer. Everything else fails, as does a source folder missing from the table.
Includes that name no folder under src/ (system headers, "support/...", generated
"ragcache/embedded_*.h") are not checked. Python 3 standard library only.
Exit status: 0 clean, 1 violations (listed), 2 the table could not be read.
"""
import argparse
import os
import re
import sys

BEGIN, END = "<!-- layers:begin -->", "<!-- layers:end -->"
SOURCE_SUFFIXES = (".h", ".hpp", ".cc", ".cpp")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def read_layers(doc_path):
    """{folder: layer number} from the table in the document."""
    with open(doc_path, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        raise ValueError(f"{doc_path}: no {BEGIN} ... {END} table")
    table = text[text.index(BEGIN) + len(BEGIN):text.index(END)]
    layers = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].isdigit():
            continue  # header, separator, blank
        for folder in re.findall(r"`([^`]+)`", cells[1]):
            if folder in layers:
                raise ValueError(f"{doc_path}: folder {folder} listed twice")
            layers[folder] = int(cells[0])
    if not layers:
        raise ValueError(f"{doc_path}: the layer table is empty")
    return layers


def folder_of(path, layers):
    """The longest table folder that `path` (relative to src/, '/'-separated) lies in, or None."""
    best = None
    for folder in layers:
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def check(src_root, layers):
    """Yields one message per violation."""
    top_level = set(folder.split("/")[0] for folder in layers)
    for dirpath, dirnames, filenames in os.walk(src_root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, src_root).replace(os.sep, "/")
            if "/" not in rel:
                continue  # files directly in src/ (none today) belong to no layer
            own = folder_of(rel, layers)
            if own is None:
                yield f"src/{rel}: its folder is not in the layer table (docs/architecture.md)"
                continue
            with open(full, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    if target.split("/")[0] not in top_level:
                        continue  # not a header of src/
                    other = folder_of(target, layers)
                    if other is None:
                        yield f"src/{rel}:{number}: includes {target}, whose folder is not in the layer table"
                    elif other != own and layers[other] >= layers[own]:
                        yield (f"src/{rel}:{number}: {own} (layer {layers[own]}) includes {target} of "
                               f"{other} (layer {layers[other]}): only lower layers may be included")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--root", default=os.path.dirname(here), help="repository root")
    parser.add_argument("--doc", default=None, help="document with the layer table")
    args = parser.parse_args(argv)
    doc = args.doc or os.path.join(args.root, "docs", "architecture.md")
    try:
        layers = read_layers(doc)
    except (OSError, ValueError) as e:
        print(f"check_layers: {e}", file=sys.stderr)
        return 2
    violations = list(check(os.path.join(args.root, "src"), layers))
    for v in violations:
        print(v)
    if violations:
        print(f"check_layers: {len(violations)} include(s) against the layer order in {doc}", file=sys.stderr)
        return 1
    print(f"check_layers: includes of src/ follow the layer order ({len(layers)} folders)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
