#!/usr/bin/env python3
"""Unit test of tools/check_layers.py on small made-up trees (CTest `layers.check_test`, label unit).

Usage: python3 tools/check_layers_test.py
"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_layers.py")

DOC = """# layers
<!-- layers:begin -->
| layer | folders | what |
|---|---|---|
| 0 | `base` | |
| 1 | `redis` | |
| 2 | `domain/cache` `domain/session` | |
| 3 | `http` `openai` | |
| 4 | `http/gateway` `gateway` | |
| 5 | `app` | |
<!-- layers:end -->
"""


class CheckLayersTest(unittest.TestCase):
    def run_check(self, files, doc=DOC):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "docs"))
            with open(os.path.join(root, "docs", "architecture.md"), "w") as f:
                f.write(doc)
            for path, text in files.items():
                full = os.path.join(root, "src", path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as f:
                    f.write(text)
            r = subprocess.run([sys.executable, CHECK, "--root", root], capture_output=True, text=True)
            return r.returncode, r.stdout + r.stderr

    def test_downward_and_own_includes_pass(self):
        rc, out = self.run_check({
            "base/error.h": "#pragma once\n#include <string>\n",
            "redis/client.h": '#include "base/error.h"\n#include "redis/reply.h"\n',
            "domain/cache/x.cc": '#include "redis/client.h"\n#include "support/async_test.h"\n'
                                 '#include "ragcache/embedded_domain_cache_lua.h"\n',
            "http/gateway/dashboard/d.cc": '#include "http/gateway/g.h"\n#include "http/server.h"\n'
                                           '#include "domain/cache/x.h"\n',
            "gateway/chat.cc": '#include "openai/chat.h"\n#include "http/server.h"\n',
            "app/main.cc": '#include "gateway/chat.h"\n#include "http/gateway/g.h"\n',
        })
        self.assertEqual(rc, 0, out)

    def test_upward_include_fails_and_names_the_line(self):
        rc, out = self.run_check({"redis/client.cc": '#include "base/error.h"\n#include "domain/cache/keys.h"\n'})
        self.assertEqual(rc, 1, out)
        self.assertIn("src/redis/client.cc:2", out)
        self.assertIn("domain/cache", out)

    def test_peers_on_one_line_may_not_include_each_other(self):
        rc, out = self.run_check({"openai/chat.cc": '#include "http/server.h"\n'})
        self.assertEqual(rc, 1, out)
        rc, out = self.run_check({"domain/session/s.cc": '#include "domain/cache/keys.h"\n'})
        self.assertEqual(rc, 1, out)

    def test_longest_folder_wins(self):
        # http (3) must not include http/gateway (4), although the path starts with "http/".
        rc, out = self.run_check({"http/server.cc": '#include "http/gateway/gateway.h"\n'})
        self.assertEqual(rc, 1, out)

    def test_folder_missing_from_the_table_fails(self):
        rc, out = self.run_check({"newthing/a.cc": "int x;\n"})
        self.assertEqual(rc, 1, out)
        self.assertIn("not in the layer table", out)
        rc, out = self.run_check({"app/a.cc": '#include "domain/limits/gcra.h"\n'})
        self.assertEqual(rc, 1, out)

    def test_unreadable_table_is_an_error_of_its_own(self):
        rc, out = self.run_check({"base/a.h": ""}, doc="# no table here\n")
        self.assertEqual(rc, 2, out)


if __name__ == "__main__":
    unittest.main()
