#!/usr/bin/python3
# test-soak.py [--kills N] [--seed S]: SIGKILL training, evaluation and export at random moments
#
# Each cycle starts one of `strata train --resume`, `strata train` (a new run), `strata
# evaluate`, `strata export --zip` or `strata export --pytorch` on a small generated project
# and kills it with SIGKILL after a random delay (up to a little more than the command takes
# when it is left alone, so that some cycles let it finish, and at most 2.5 s). Then:
#   - every project and run file parses: the project, each run's run.json, settings.json,
#     metrics.jsonl (whole lines, epochs 1, 2, …), checkpoints (a safetensors header whose
#     tensors fill the file), evaluations, and what the exports wrote;
#   - the same command runs again to the end (training resumes and continues: it exits 0 and
#     its run has not lost a finished epoch);
#   - no temporary file survives that next run, in the project's folder, the export's or
#     $TMPDIR (the second TAP line; see STRICT_TEMPORARIES).
# The slow suite kills 200 times, the engine suite 10.
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strata_cli import (STRATA, Failure, check, make_images,  # noqa: E402
                        make_project, run, runs_dir)

# A killed write leaves its temporary file (NAME.XXXXXX.tmp, .DIR.partial-XXXXXX, an export's
# staging folder); until every command removes those that a killed one left, their survival
# is reported as a known failure (TAP TODO) instead of failing the test.
STRICT_TEMPORARIES = True

TEMPORARY = re.compile(r"(\.tmp$|\.partial-|^strata-export-|\.part$|^\.goutputstream-)")


def parse_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 8, "%s: a header length" % path)
    (n,) = struct.unpack("<Q", data[:8])
    check(8 + n <= len(data), "%s: the header fits in the file" % path)
    header = json.loads(data[8:8 + n])
    end = max((v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"),
              default=0)
    check(8 + n + end == len(data), "%s: the tensors fill the file exactly" % path)
    return header


def parse_json(path):
    with open(path) as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError as e:
        raise Failure("%s does not parse (%s): %r" % (path, e, text[:200]))


def check_files(project, outdir):
    """Every file of the project, its runs and the exports parses; returns the runs' epochs."""
    settings = parse_json(project)
    check(isinstance(settings.get("runs"), list), "the project lists its runs")
    epochs = {}
    runs = runs_dir(project)
    for name in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
        folder = os.path.join(runs, name)
        if not os.path.isdir(folder):
            continue
        for leaf in sorted(os.listdir(folder)):
            path = os.path.join(folder, leaf)
            if TEMPORARY.search(leaf):
                continue          # a write cut short; the next run must remove it
            if leaf.endswith(".json"):
                check(isinstance(parse_json(path), dict), path + " is an object")
            elif leaf == "metrics.jsonl":
                with open(path) as f:
                    lines = f.read().splitlines()
                records = []
                for line in lines:
                    try:
                        records.append(json.loads(line))
                    except ValueError:
                        raise Failure("%s: a line that does not parse: %r" % (path, line))
                check([r["epoch"] for r in records] == list(range(1, len(records) + 1)),
                      "%s: epochs 1, 2, …: %s" % (path, [r["epoch"] for r in records]))
                epochs[name] = len(records)
            elif leaf.endswith(".safetensors"):
                parse_safetensors(path)
        if name in settings["runs"]:
            for leaf in ("run.json", "settings.json"):
                check(os.path.exists(os.path.join(folder, leaf)),
                      "listed run %s has its %s" % (name, leaf))
    for name in settings["runs"]:
        check(os.path.isdir(os.path.join(runs, name)), "listed run %s has a folder" % name)
    for leaf in os.listdir(outdir):
        path = os.path.join(outdir, leaf)
        if TEMPORARY.search(leaf):
            continue
        if leaf.endswith(".zip"):
            with zipfile.ZipFile(path) as z:
                check(z.testzip() is None and "model.safetensors" in z.namelist(),
                      "%s is a whole zip" % path)
                json.loads(z.read("config.json"))
        elif os.path.isdir(path):
            check(os.path.exists(os.path.join(path, "train.py")), path + " is a whole export")
            for root, _, files in os.walk(path):
                for f in files:
                    if f.endswith(".json"):
                        parse_json(os.path.join(root, f))
    return epochs


def temporaries(*folders):
    found = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            found += [os.path.join(root, n) for n in files + dirs if TEMPORARY.search(n)]
    return found


def last_epoch(project, run_name):
    path = os.path.join(runs_dir(project), run_name, "metrics.jsonl")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return len(f.read().splitlines())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("STRATA_SOAK_SEED",
                                                                       "1")))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print("1..2")
    with tempfile.TemporaryDirectory(prefix="strata-soak-") as workdir:
        tmp = os.path.join(workdir, "tmp")
        outdir = os.path.join(workdir, "out")
        os.makedirs(tmp)
        os.makedirs(outdir)
        os.environ["TMPDIR"] = tmp     # the export's staging folders go here
        images = os.path.join(workdir, "soak")
        make_images(images, per_class=40)
        project = make_project(workdir, "soak", images=images, learning_rate=0.01,
                               batch_size=8, epochs=1000)
        start = time.monotonic()
        run(["train", project, "--run", "r", "--epochs", "1"])
        zip_path = os.path.join(outdir, "submission.zip")

        def command(kind, i):
            done = last_epoch(project, "r")
            return {
                # a checkpoint every 0.1 s within an epoch: many writes to cut short
                "resume": ["train", project, "--resume", "r", "--epochs", str(done + 1),
                           "--checkpoint-interval", "0.1"],
                "new": ["train", project, "--run", "n%d" % i, "--epochs", "1",
                        "--checkpoint-interval", "0.1"],
                "evaluate": ["evaluate", project, "--run", "r", "--tta", "flip"],
                "zip": ["export", project, "--run", "r", "--zip", zip_path, "--no-check"],
                "pytorch": ["export", project, "--run", "r", "--pytorch",
                            os.path.join(outdir, "ddp-%d" % i)],
            }[kind]

        # how long each takes left alone, to draw the moments to kill it from
        took = {}
        for kind in ("resume", "new", "evaluate", "zip", "pytorch"):
            t = time.monotonic()
            run(command(kind, 0))
            took[kind] = time.monotonic() - t
        print("# left alone: " + ", ".join("%s %.2f s" % kv for kv in took.items()))
        kinds = ["resume", "resume", "new", "evaluate", "zip", "pytorch"]
        finished = 0
        counts = {k: 0 for k in took}
        survivors = {}
        try:
            for i in range(1, args.kills + 1):
                # every kind in each round of six, in a random order
                if (i - 1) % len(kinds) == 0:
                    order = rng.sample(kinds, len(kinds))
                kind = order[(i - 1) % len(kinds)]
                counts[kind] += 1
                argv = command(kind, i)
                before = last_epoch(project, "r")
                # at most 2.5 s, so that 200 cycles take less than 10 minutes on 2 cores
                delay = rng.uniform(0, min(1.1 * took[kind], 2.5))
                process = subprocess.Popen([STRATA] + argv, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)
                status = process.wait()
                finished += status == 0
                check(status in (0, -signal.SIGKILL), "%s: exit status %d before the kill"
                      % (" ".join(argv), status))

                check_files(project, outdir)
                # the next run of the same command goes to its end
                if kind == "resume":
                    run(["train", project, "--resume", "r", "--max-batches", "3",
                         "--epochs", str(before + 2)])
                    check(last_epoch(project, "r") >= before,
                          "the run lost a finished epoch: %d, then %d"
                          % (before, last_epoch(project, "r")))
                elif kind == "new":
                    name = "n%d" % i
                    if os.path.isdir(os.path.join(runs_dir(project), name)):
                        run(["train", project, "--resume", name, "--max-batches", "3"])
                    else:
                        run(argv[:6] + ["--max-batches", "3"])
                elif kind == "pytorch":
                    target = argv[-1]
                    if os.path.isdir(target):
                        target += "-again"
                    run(argv[:-1] + [target])
                else:
                    run(argv)
                epochs = check_files(project, outdir)
                check(epochs.get("r", 0) >= before, "run r keeps its epochs")
                for path in temporaries(workdir):
                    if path not in survivors:
                        survivors[path] = "after %s was killed at %.2f s and ran again" % (
                            kind, delay)
        except Failure as e:
            print("# cycle %d: %s" % (i, e))
            print("not ok 1 - %d kills: every file parses and resume continues" % args.kills)
            if os.environ.get("STRATA_TEST_KEEP"):
                subprocess.run(["cp", "-a", workdir, os.environ["STRATA_TEST_KEEP"]])
            return 1
        print("# %d kills (%s), %d commands finished before theirs; run r at epoch %d; "
              "%.0f s" % (args.kills, ", ".join("%s %d" % kv for kv in counts.items()),
                          finished, last_epoch(project, "r"), time.monotonic() - start))
        print("ok 1 - %d kills: every file parses and resume continues" % args.kills)
        for path, when in sorted(survivors.items()):
            print("# %s: %s" % (os.path.relpath(path, workdir), when))
        if not survivors:
            print("ok 2 - no temporary file survives the next run")
        elif STRICT_TEMPORARIES:
            print("not ok 2 - %d temporary files survive the next run" % len(survivors))
            return 1
        else:
            print("not ok 2 - %d temporary files survive the next run # TODO the next run "
                  "does not remove what a killed one left" % len(survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
