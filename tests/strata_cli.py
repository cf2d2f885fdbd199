# strata_cli.py: what test-cli.py and test-soak.py share: running the strata binary as a
# user does, small generated image projects, and reading its files.
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import random
import struct
import subprocess
import sys
import traceback
import zlib

STRATA = os.environ.get("STRATA_BIN", "strata")


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


def run(args, rc=0, timeout=300, **kwargs):
    """Runs `strata ARGS…` in English; checks its exit status is RC (None: any)."""
    # the messages the tests look for are the untranslated ones
    kwargs.setdefault("env", dict(os.environ, LANGUAGE="en", LC_ALL="C.UTF-8"))
    out = subprocess.run([STRATA] + [str(a) for a in args], capture_output=True, text=True,
                         timeout=timeout, **kwargs)
    if rc is not None and out.returncode != rc:
        raise Failure("strata %s: exit status %d, expected %d\nstdout: %s\nstderr: %s"
                      % (" ".join(str(a) for a in args), out.returncode, rc,
                         out.stdout[-3000:], out.stderr[-3000:]))
    return out


def json_lines(text):
    """Every line of TEXT is one JSON object; returns them."""
    events = []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except ValueError as e:
            raise Failure("not a JSON line (%s): %r" % (e, line[:300]))
        check(isinstance(event, dict), "a JSON object per line: %r" % line[:300])
        events.append(event)
    return events


def load_json(path):
    with open(path) as f:
        return json.load(f)


def read_jsonl(path):
    with open(path) as f:
        return json_lines(f.read())


def write_png(path, rows):
    """A grey 8-bit PNG of ROWS (lists of 0…255), written without any imaging library."""
    raw = b"".join(b"\x00" + bytes(row) for row in rows)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))

    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


CLASSES = ("horizontal", "plain", "vertical")


def make_images(folder, per_class=60, size=16, contrast=110, noise=50, seed=1):
    """FOLDER/CLASS/NNN.png: horizontal stripes, vertical stripes or none, two pixels wide,
    under noise; the lower CONTRAST is against NOISE, the harder they are to tell apart."""
    rng = random.Random(seed)
    for name in CLASSES:
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        for i in range(per_class):
            phase = rng.randint(0, 3)
            rows = []
            for y in range(size):
                row = []
                for x in range(size):
                    along = {"horizontal": y, "vertical": x, "plain": None}[name]
                    value = 128
                    if along is not None:
                        value += contrast // 2 if (along + phase) // 2 % 2 else -contrast // 2
                    row.append(max(0, min(255, value + rng.randint(-noise, noise))))
                rows.append(row)
            write_png(os.path.join(folder, name, "%03d.png" % i), rows)


def make_project(workdir, name, filters=4, images=None, **hyperparameters):
    """WORKDIR/NAME.strata on the images in WORKDIR/NAME (made when IMAGES is None), made by
    `strata new --dataset` with its convolutions narrowed to FILTERS; HYPERPARAMETERS
    (learning_rate=…, epochs=…) are set in it. Returns the project's path."""
    folder = os.path.join(workdir, name)
    if images is None:
        make_images(folder)
    else:
        folder = images
    run(["new", "--dataset", folder, workdir])
    path = os.path.join(workdir, os.path.basename(folder) + ".strata")
    if os.path.basename(folder) != name:
        os.rename(path, os.path.join(workdir, name + ".strata"))
        path = os.path.join(workdir, name + ".strata")
    project = load_json(path)
    for node in project["model"]["nodes"]:
        if node["type"] == "Conv2D":
            node["params"]["filters"] = filters
    hp = {"batch_size": 16, "epochs": 3}
    hp.update(hyperparameters)
    project["hyperparameters"].update(hp)
    with open(path, "w") as f:
        json.dump(project, f, indent=2)
    return path


def runs_dir(project):
    return project[:-len(".strata")] + ".runs"


def read_safetensors(path):
    """{name: float32 array} of a safetensors file (its own reader, not Strata's), and its
    __metadata__."""
    import numpy
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    kinds = {"F32": numpy.float32, "F16": numpy.float16, "I64": numpy.int64,
             "I32": numpy.int32, "U8": numpy.uint8}
    tensors = {}
    for key, info in header.items():
        start, end = info["data_offsets"]
        if info["dtype"] not in kinds:
            continue
        tensors[key] = numpy.frombuffer(data[base + start:base + end],
                                        dtype=kinds[info["dtype"]]).reshape(info["shape"])
    return tensors, metadata


def main(tests, argv):
    """Runs TESTS (functions of a scratch folder) and reports them in TAP; --list, or names
    to run only those."""
    import tempfile
    if "--list" in argv:
        for test in tests:
            print(test.__name__)
        return 0
    chosen = [t for t in tests if not argv or t.__name__ in argv]
    print("1..%d" % len(chosen))
    failed = 0
    keep = os.environ.get("STRATA_TEST_KEEP")
    with tempfile.TemporaryDirectory(prefix="strata-cli-") as tmp:
        for i, test in enumerate(chosen, 1):
            workdir = os.path.join(tmp, test.__name__)
            os.makedirs(workdir)
            try:
                test(workdir)
                print("ok %d - %s" % (i, test.__name__))
            except Skip as e:
                print("ok %d - %s # SKIP %s" % (i, test.__name__, e))
            except Exception as e:
                failed += 1
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
                print("not ok %d - %s: %s" % (i, test.__name__,
                                              str(e).splitlines()[0] if str(e) else ""))
            sys.stdout.flush()
        if keep:
            subprocess.run(["cp", "-a", tmp, keep])
    return 1 if failed else 0
