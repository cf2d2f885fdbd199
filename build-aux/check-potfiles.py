#!/usr/bin/env python3
# check-potfiles.py SRCDIR [--fix]: po/POTFILES.in lists every file with translatable strings,
# sorted, and nothing else. With --fix, writes it so.
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import re
import sys

HEADER = "# Files with translatable strings. Please keep this file sorted alphabetically.\n"
C_MARK = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|g_dpgettext2|ngettext)\s*\(')
DATA = ["data/org.strata.Strata.desktop.in", "data/org.strata.Strata.gschema.xml",
        "data/org.strata.Strata.metainfo.xml.in.in", "data/org.strata.Strata.mime.xml.in"]


def wanted(srcdir):
    files = set()
    for pattern in ("app/*.c", "app/**/*.c", "engine/**/*.c", "graph_editor/*.c"):
        for path in glob.glob(os.path.join(srcdir, pattern), recursive=True):
            with open(path, encoding="utf-8") as f:
                if C_MARK.search(f.read()):
                    files.add(os.path.relpath(path, srcdir))
    for pattern in ("app/*.ui", "app/**/*.ui", "graph_editor/*.ui"):
        for path in glob.glob(os.path.join(srcdir, pattern), recursive=True):
            with open(path, encoding="utf-8") as f:
                if 'translatable="yes"' in f.read():
                    files.add(os.path.relpath(path, srcdir))
    files.update(p for p in DATA if os.path.exists(os.path.join(srcdir, p)))
    return sorted(files)


def main():
    srcdir = sys.argv[1] if len(sys.argv) > 1 else "."
    path = os.path.join(srcdir, "po", "POTFILES.in")
    expected = HEADER + "".join(f + "\n" for f in wanted(srcdir))
    with open(path, encoding="utf-8") as f:
        actual = f.read()
    if actual == expected:
        return 0
    if "--fix" in sys.argv:
        with open(path, "w", encoding="utf-8") as f:
            f.write(expected)
        return 0
    listed = {l.strip() for l in actual.splitlines() if l.strip() and not l.startswith("#")}
    need = set(wanted(srcdir))
    for f in sorted(need - listed):
        print("missing from po/POTFILES.in:", f)
    for f in sorted(listed - need):
        print("listed in po/POTFILES.in without translatable strings:", f)
    if need == listed:
        print("po/POTFILES.in is not sorted")
    return 1


if __name__ == "__main__":
    sys.exit(main())
