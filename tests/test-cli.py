#!/usr/bin/python3
# test-cli.py: every verb of the README's "The command line", run as a user runs it
#
# Each command line the README documents runs here as a process of the built strata binary
# ($STRATA_BIN), on small generated image projects: its exit status, its output (the JSON
# events with --json, the text without) and the files it leaves are checked, and so are the
# exit status and message of bad arguments. The numbers it reports are checked against an
# independent computation where there is one: per-class precision, recall, F1 and the
# confusion matrix against scikit-learn on the predictions it lists, checkpoint-best against
# the metrics of the epoch it claims, --init-from's starting weights against the source run's
# checkpoint, read by a safetensors reader of its own.
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strata_cli import (CLASSES, Skip, check, json_lines, load_json, main,  # noqa: E402
                        make_images, make_project, read_jsonl, read_safetensors, run,
                        runs_dir)

PYTHON = "/usr/bin/python3"


def have_python_modules(*modules):
    return subprocess.run([PYTHON, "-c", "import " + ", ".join(modules)],
                          capture_output=True).returncode == 0


def model_weights(path):
    tensors, _ = read_safetensors(path)
    return {k: v for k, v in tensors.items() if not k.startswith("optimizer/")}


def max_difference(a, b):
    check(sorted(a) == sorted(b), "the same tensors: %s and %s" % (sorted(a), sorted(b)))
    return max(float(abs(a[k].astype("float64") - b[k]).max()) for k in a)


def events_of(out, kind):
    return [e for e in json_lines(out.stdout) if e.get("event") == kind]


def checkpoint_epoch(path):
    _, metadata = read_safetensors(path)
    return json.loads(metadata["strata"])["epoch"]


def tree_digest(folder):
    """Every file under FOLDER with its SHA-256: what a command that changes nothing keeps."""
    digest = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                digest[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
    return digest


# --- the verbs and their help -------------------------------------------------------------

README_VERBS = ("new", "train", "evaluate", "predict", "lr-find", "export", "import-run",
                "dataset", "embed")


def test_help(workdir):
    """`strata --help` lists each verb once; each verb's --help names the README's options."""
    out = run(["--help"])
    listed = re.findall(r"^  (\S+) ", out.stdout, re.M)
    for verb in README_VERBS:
        check(listed.count(verb) == 1, "--help lists %s once: %s" % (verb, listed))
    options = {
        "train": ["--epochs", "--json", "--resume", "--init-from", "--run", "--lr"],
        "evaluate": ["--run", "--split", "--tta", "--json", "--weights"],
        "predict": ["--run", "--top", "--csv", "--json", "--split"],
        "lr-find": ["--json", "--steps"],
        "export": ["--run", "--zip", "--pytorch", "--json"],
        "import-run": ["--name", "--json"],
        "new": ["--example", "--dataset"],
        "embed": ["--model", "--weights", "--out"],
    }
    for verb, names in options.items():
        out = run([verb, "--help"])
        for name in names:
            check(name in out.stdout, "strata %s --help mentions %s:\n%s" % (verb, name,
                                                                           out.stdout))
    out = run(["dataset", "inspect", "--help"])
    check("--json" in out.stdout, "strata dataset inspect --help mentions --json")
    out = run(["--version"])
    check(out.stdout.startswith("strata "), "--version: " + out.stdout)


def test_readme_options(workdir):
    """Each command line of the README's "The command line" names a verb and options that
    `strata VERB --help` offers (the other tests run each of them)."""
    readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")
    with open(readme) as f:
        text = f.read()
    block = text.split("## The command line", 1)[1].split("```", 2)[1]
    lines = [l.split("  ")[0] for l in block.splitlines() if l.startswith("strata ")]
    check(len(lines) >= 12, "the README lists the command lines: %s" % lines)
    for line in lines:
        words = line.split()
        verb = words[1:3] if words[1] == "dataset" else words[1:2]
        out = run(verb + ["--help"])
        for option in re.findall(r"--[a-z][a-z0-9-]*", line):
            check(re.search(r"^\s+%s\b" % re.escape(option), out.stdout, re.M),
                  "README: %r: strata %s has no %s:\n%s" % (line, " ".join(verb), option,
                                                              out.stdout))


def test_bad_arguments(workdir):
    """Bad arguments exit with 2 and say what is wrong; a failing command exits with 1, says
    why on stderr (and as an error event with --json), and leaves no run behind."""
    project = make_project(workdir, "bad")
    run(["train", project, "--run", "a", "--max-batches", "2"])
    image = os.path.join(workdir, "bad", "plain", "000.png")
    missing = os.path.join(workdir, "missing.strata")
    usage = [
        (["train"], "Say which project to train"),
        (["train", project, "--epochs", "-1"], "positive"),
        (["train", project, "--bogus"], "Unknown option"),
        (["train", project, "--lr", "20"], "--lr takes a rate from 1e-09 to 10"),
        (["evaluate", project], "--run NAME"),
        (["evaluate", project, "--run", "a", "--split", "bogus"], "train, validation or test"),
        (["evaluate", project, "--run", "a", "--tta", "bogus"], "flip+crops"),
        (["evaluate", project, "--run", "a", "--misclassified", "-1"], "--misclassified"),
        (["predict", project, "--run", "a"], "--split"),
        (["predict", project, image], "--run NAME"),
        (["predict", project, "--run", "a", "--split", "test", image], "not both"),
        (["predict", project, "--run", "a", "--top", "0", image], "--top"),
        (["lr-find"], "Say which project"),
        (["lr-find", project, "--steps", "1"], "--steps"),
        (["export", project, "--run", "a"], "--zip OUT.zip or --pytorch DIR"),
        (["export", project, "--run", "a", "--zip", "x.zip", "--pytorch", "x"],
         "--zip OUT.zip or --pytorch DIR"),
        (["export", project, "--zip", "x.zip"], "--run NAME"),
        (["import-run", project], "train.py's output"),
        (["dataset"], "strata dataset inspect PROJECT"),
        (["dataset", "inspect"], "Say which project"),
        (["new"], "Say which folder"),
    ]
    for args, message in usage:
        out = run(args, rc=2)
        check(message in out.stderr, "strata %s says %r:\n%s" % (" ".join(args), message,
                                                                 out.stderr))
        check(out.stderr.startswith("strata: error:") or "Usage:" in out.stderr,
              "strata %s begins its message with “strata: error:”:\n%s"
              % (" ".join(args), out.stderr))

    before = tree_digest(workdir)
    failing = [
        (["train", missing], "missing.strata"),
        (["train", project, "--resume", "nosuch"], "nosuch"),
        (["train", project, "--init-from", "nosuch:best"], "nosuch"),
        (["train", project, "--init-from", "a:worst"], "a:best"),
        (["evaluate", project, "--run", "nosuch"], "nosuch"),
        (["evaluate", missing, "--run", "a"], "missing.strata"),
        (["predict", project, "--run", "nosuch", image], "nosuch"),
        (["export", project, "--run", "nosuch", "--zip", os.path.join(workdir, "x.zip")],
         "nosuch"),
        (["import-run", project, os.path.join(workdir, "nowhere")], "nowhere"),
        (["dataset", "inspect", missing], "missing.strata"),
        (["lr-find", missing], "missing.strata"),
    ]
    for args, message in failing:
        out = run(args, rc=1)
        check(any(l.startswith("strata: error:") and message in l
                  for l in out.stderr.splitlines()),
              "strata %s fails saying %r:\n%s" % (" ".join(args), message, out.stderr))
        out = run(args + ["--json"], rc=1)
        errors = events_of(out, "error")
        check(len(errors) == 1 and message in errors[0]["message"],
              "strata %s --json prints an error event naming %r: %s"
              % (" ".join(args), message, out.stdout))
    check(tree_digest(workdir) == before, "failing commands change no file")
    check(load_json(project)["runs"] == ["a"], "no run was added")


# --- new and dataset inspect --------------------------------------------------------------

def test_new_examples(workdir):
    """`strata new --example fashion-mnist DIR` and `--example transfer DIR` write projects
    that `strata dataset inspect` reads: Fashion-MNIST's 60,000 + 10,000 images."""
    if not os.path.exists("/usr/share/dataset-fashion-mnist") and \
            not os.path.isdir("/usr/share/fashion-mnist"):
        found = subprocess.run(["dpkg", "-s", "dataset-fashion-mnist"], capture_output=True)
        if found.returncode != 0:
            raise Skip("the dataset-fashion-mnist package is not installed")
    folder = os.path.join(workdir, "example")
    out = run(["new", "--example", "fashion-mnist", folder])
    project = os.path.join(folder, "fashion-mnist.strata")
    check(os.path.exists(project), "the example project is written: " + out.stdout)
    settings = load_json(project)
    check(settings["runs"] == [] and settings["dataset"]["source_kind"] == "fashion-mnist",
          "a new project on Fashion-MNIST without runs")
    run(["new", "--example", "fashion-mnist", folder], rc=1)   # not over the existing one

    out = run(["dataset", "inspect", project, "--json"])
    (report,) = json_lines(out.stdout)
    splits = report["splits"]
    check(len(report["classes"]) == 10 and report["classes"][0] == "T-shirt/top",
          "the ten classes: %s" % report["classes"])
    check(splits["train"]["total"] + splits["validation"]["total"] == 60000,
          "60,000 training and validation images: %s" % splits)
    check(splits["test"]["per_class"] == [1000] * 10, "1,000 test images per class")
    check(report["unreadable"] == [] and report["problems"] == [], "nothing is wrong")
    for name in ("train", "validation", "test"):
        check(sum(splits[name]["per_class"]) == splits[name]["total"],
              "the per-class counts of %s add up" % name)

    transfer = os.path.join(workdir, "transfer")
    run(["new", "--example", "transfer", transfer])
    for name in ("transfer-pretrain.strata", "transfer.strata", "transfer-scratch.strata"):
        check(load_json(os.path.join(transfer, name))["runs"] == [], name + " is written")
    check(os.path.exists(os.path.join(transfer, "README.md")), "with a README")


def test_dataset_inspect(workdir):
    """`strata dataset inspect PROJECT [--json]` counts a folder's images per class and split,
    and lists the unreadable and the duplicated ones."""
    images = os.path.join(workdir, "inspect")
    make_images(images, per_class=20)
    shutil.copy(os.path.join(images, "vertical", "003.png"),
                os.path.join(images, "vertical", "copy.png"))
    with open(os.path.join(images, "plain", "broken.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n not an image")
    project = make_project(workdir, "inspect", images=images)
    out = run(["dataset", "inspect", project, "--json"])
    (report,) = json_lines(out.stdout)
    check(report["classes"] == list(CLASSES), "the classes: %s" % report["classes"])
    per_class = [sum(report["splits"][s]["per_class"][c]
                     for s in ("train", "validation", "test")) for c in range(3)]
    # plain's broken.png is no image of plain: it is counted apart, as unreadable
    check(per_class == [20, 20, 21], "every readable image of each class is counted once: %s"
          % per_class)
    check(sum(report["splits"][s]["unreadable"] for s in ("train", "validation", "test")) == 1,
          "the broken image is counted apart: %s" % report["splits"])
    check([u["name"] for u in report["unreadable"]] == ["plain/broken.png"] and
          "not a readable image" in report["unreadable"][0]["message"],
          "the broken image is unreadable: %s" % report["unreadable"])
    duplicates = json.dumps(report["exact_duplicates"])
    check("copy.png" in duplicates and "003.png" in duplicates,
          "the copy is an exact duplicate: %s" % duplicates)

    out = run(["dataset", "inspect", project])
    for name in CLASSES:
        check(re.search(r"^  %s\s+\d+\s+\d+\s+\d+$" % name, out.stdout, re.M),
              "a line for %s:\n%s" % (name, out.stdout))
    check("Duplicates: 1 groups of identical images" in out.stdout and
          "Unreadable: plain/broken.png: " in out.stdout,
          "the duplicates and the unreadable image are reported:\n" + out.stdout)


# --- train, resume, --init-from -----------------------------------------------------------

def test_train(workdir):
    """`strata train PROJECT [--epochs N] [--json]` trains run-1, run-2, …: started, batch,
    epoch and summary events; the run's files agree with them."""
    project = make_project(workdir, "train", learning_rate=0.01)
    out = run(["train", project, "--epochs", "2", "--json"])
    events = json_lines(out.stdout)
    check(events[0]["event"] == "started" and events[-1]["event"] == "summary",
          "started first, summary last: %s, %s" % (events[0], events[-1]))
    batches = [e for e in events if e["event"] == "batch"]
    epochs = [e for e in events if e["event"] == "epoch"]
    check(len(epochs) == 2 and [e["epoch"] for e in epochs] == [1, 2], "two epoch events")
    check(len(batches) == 2 * batches[0]["batches"], "a batch event per batch")
    for e in batches + epochs:
        for key in ("loss", "accuracy", "lr", "images_per_second", "eta"):
            check(isinstance(e[key], (int, float)) and math.isfinite(e[key]),
                  "%s is a number in %s" % (key, e))
    for e in epochs:
        check(0 <= e["val_accuracy"] <= 1 and math.isfinite(e["val_loss"]),
              "validation loss and accuracy in %s" % e)
    summary = events[-1]
    check(summary["status"] == "finished" and summary["run"] == "run-1", "finished run-1")

    run_dir = os.path.join(runs_dir(project), "run-1")
    for name in ("settings.json", "run.json", "metrics.jsonl", "checkpoint-last.safetensors",
                 "checkpoint-best.safetensors"):
        check(os.path.exists(os.path.join(run_dir, name)), name + " is written")
    info = load_json(os.path.join(run_dir, "run.json"))
    check(info["status"] == "finished" and info["epochs_done"] == 2, "run.json: %s" % info)
    check(info["precision"] == "fp32", "the run records it computed in fp32: %s" % info)
    metrics = read_jsonl(os.path.join(run_dir, "metrics.jsonl"))
    check([m["val_accuracy"] for m in metrics] == [e["val_accuracy"] for e in epochs],
          "metrics.jsonl holds the epochs' validation accuracy")
    check(load_json(os.path.join(run_dir, "settings.json"))["hyperparameters"]
          ["learning_rate"] == 0.01, "settings.json holds the learning rate")
    check(load_json(project)["runs"] == ["run-1"], "the project lists run-1")

    out = run(["train", project, "--epochs", "1"])
    check("run-2" in out.stdout and "finished after 1 epochs" in out.stdout,
          "the text output names run-2 and how it ended:\n" + out.stdout)
    check(load_json(project)["runs"] == ["run-1", "run-2"], "the project lists both runs")


def test_resume(workdir):
    """`strata train PROJECT --resume RUN --epochs N` continues a stopped run exactly: its
    weights are those of a run that was never stopped."""
    project = make_project(workdir, "resume", learning_rate=0.01)
    run(["train", project, "--run", "whole", "--epochs", "2"])
    out = run(["train", project, "--run", "part", "--max-batches", "5", "--json"])
    check(events_of(out, "summary")[0]["status"] == "stopped", "stopped after 5 batches")
    info = load_json(os.path.join(runs_dir(project), "part", "run.json"))
    check(info["status"] == "stopped", "run.json says stopped: %s" % info)
    out = run(["train", project, "--resume", "part", "--epochs", "2", "--json"])
    started = events_of(out, "started")[0]
    check(started["epoch"] == 1 and started["batch"] == 5,
          "it resumes at epoch 1, batch 5: %s" % started)
    check(events_of(out, "summary")[0]["status"] == "finished", "and finishes")
    difference = max_difference(
        model_weights(os.path.join(runs_dir(project), "whole", "checkpoint-last.safetensors")),
        model_weights(os.path.join(runs_dir(project), "part", "checkpoint-last.safetensors")))
    check(difference < 1e-5, "resumed weights equal the whole run's (%.3g)" % difference)
    out = run(["train", project, "--resume", "part", "--epochs", "3"])
    check("Resuming run part at epoch 3" in out.stdout or "part" in out.stdout,
          "the text output says it resumes:\n" + out.stdout)
    check(read_jsonl(os.path.join(runs_dir(project), "part", "metrics.jsonl"))[-1]["epoch"]
          == 3, "a third epoch")


def test_init_from(workdir):
    """`strata train PROJECT --init-from RUN:best` starts a new run from RUN's best weights:
    after one step at a learning rate of 1e-9 its weights are the source's to float
    precision, and with the project's rate it trains on from where RUN got to."""
    project = make_project(workdir, "init", learning_rate=0.01)
    runs = runs_dir(project)
    run(["train", project, "--run", "a", "--epochs", "3"])
    source_best = model_weights(os.path.join(runs, "a", "checkpoint-best.safetensors"))
    source_last = model_weights(os.path.join(runs, "a", "checkpoint-last.safetensors"))

    out = run(["train", project, "--run", "b", "--init-from", "a:best", "--lr", "1e-9",
               "--max-batches", "1", "--json"])
    check(events_of(out, "summary")[0]["status"] == "stopped", "one step, then stopped")
    run(["train", project, "--run", "fresh", "--lr", "1e-9", "--max-batches", "1"])
    started = model_weights(os.path.join(runs, "b", "checkpoint-last.safetensors"))
    fresh = model_weights(os.path.join(runs, "fresh", "checkpoint-last.safetensors"))
    print("# b after one step differs from a:best by %.3g; a fresh run by %.3g"
          % (max_difference(started, source_best), max_difference(fresh, source_best)))
    check(max_difference(started, source_best) < 1e-6,
          "run b starts from a's best weights (%.3g)" % max_difference(started, source_best))
    check(max_difference(fresh, source_best) > 0.05,
          "and a run without --init-from does not (%.3g)" % max_difference(fresh, source_best))
    check(load_json(os.path.join(runs, "b", "run.json"))["init_from"] == "a:best",
          "run.json records where b started from")

    # RUN alone is RUN:last; the new run trains from there with the project's rate
    out = run(["train", project, "--run", "c", "--init-from", "a", "--epochs", "1", "--json"])
    first = events_of(out, "batch")[0]
    out_fresh = run(["train", project, "--run", "d", "--epochs", "1", "--json"])
    first_fresh = events_of(out_fresh, "batch")[0]
    a_metrics = read_jsonl(os.path.join(runs, "a", "metrics.jsonl"))
    print("# first batch loss: from a %.4f, from scratch %.4f" % (first["batch_loss"],
                                                                 first_fresh["batch_loss"]))
    check(first["batch_loss"] < first_fresh["batch_loss"] - 0.05,
          "c's first batch has the trained weights' loss (%.4f; from scratch %.4f; a ended "
          "at %.4f)" % (first["batch_loss"], first_fresh["batch_loss"], a_metrics[-1]["loss"]))
    epoch = events_of(out, "epoch")[0]
    check(epoch["val_accuracy"] >= events_of(out_fresh, "epoch")[0]["val_accuracy"],
          "after an epoch c is at least as good as a run from scratch")
    after = model_weights(os.path.join(runs, "c", "checkpoint-last.safetensors"))
    check(max_difference(after, source_last) > 1e-6, "and it trained: its weights moved")
    check(load_json(os.path.join(runs, "c", "run.json"))["status"] == "finished", "c finished")


def test_checkpoint_best(workdir):
    """checkpoint-best holds the best epoch's weights: a run that learns for three epochs and
    is then wrecked by a learning rate of 10 keeps an early epoch as its best, and evaluating
    checkpoint-best on the validation split gives that epoch's recorded metrics."""
    project = make_project(workdir, "best", learning_rate=0.01)
    runs = runs_dir(project)
    run(["train", project, "--run", "r", "--epochs", "3"])
    settings = load_json(project)
    settings["hyperparameters"]["learning_rate"] = 10.0
    with open(project, "w") as f:
        json.dump(settings, f)
    run(["train", project, "--resume", "r", "--epochs", "6"])

    metrics = read_jsonl(os.path.join(runs, "r", "metrics.jsonl"))
    check([m["epoch"] for m in metrics] == [1, 2, 3, 4, 5, 6], "six epochs")
    accuracy = [m["val_accuracy"] for m in metrics]
    best = accuracy.index(max(accuracy))   # the first epoch with the highest: Keras' rule
    print("# validation accuracy per epoch: %s" % ", ".join("%.3f" % a for a in accuracy))
    check(best < 5 and accuracy[-1] < accuracy[best],
          "the best epoch is not the last: %s" % accuracy)
    info = load_json(os.path.join(runs, "r", "run.json"))
    check(info["best_epoch"] == best + 1 and info["best_value"] == accuracy[best],
          "run.json's best epoch is %d (%.4f): %s" % (best + 1, accuracy[best], info))
    check(checkpoint_epoch(os.path.join(runs, "r", "checkpoint-best.safetensors")) == best + 1,
          "checkpoint-best is of epoch %d" % (best + 1))

    for which, record in (("best", metrics[best]), ("last", metrics[-1])):
        out = run(["evaluate", project, "--run", "r", "--weights", which, "--split",
                   "validation", "--json"])
        (result,) = json_lines(out.stdout)
        check(result["weights"] == which, "evaluated the %s weights" % which)
        check(abs(result["accuracy"] - record["val_accuracy"]) < 1e-9,
              "checkpoint-%s's validation accuracy %.4f is epoch %d's %.4f"
              % (which, result["accuracy"], record["epoch"], record["val_accuracy"]))
        check(abs(result["loss"] - record["val_loss"]) < 1e-4 * max(1, abs(record["val_loss"])),
              "checkpoint-%s's validation loss %.6f is epoch %d's %.6f"
              % (which, result["loss"], record["epoch"], record["val_loss"]))


def test_early_stopping(workdir):
    """A run with early stopping and patience 1 stops at the first epoch that does not improve
    on the best, before its maximum of 15 epochs."""
    project = make_project(workdir, "early", learning_rate=0.01, epochs=15,
                           early_stopping=True, patience=1)
    runs = runs_dir(project)
    out = run(["train", project, "--json"])
    summary = events_of(out, "summary")[0]
    metrics = read_jsonl(os.path.join(runs, "run-1", "metrics.jsonl"))
    info = load_json(os.path.join(runs, "run-1", "run.json"))
    n = len(metrics)
    check(summary["status"] == "early-stopped" and info["status"] == "early-stopped",
          "it stopped early: %s" % info)
    check(n < 15 and info["epochs_done"] == n and summary["epoch"] == n,
          "after %d of 15 epochs" % n)
    accuracy = [m["val_accuracy"] for m in metrics]
    best = accuracy.index(max(accuracy))
    print("# stopped after %d of 15 epochs: %s" % (n, ", ".join("%.3f" % a for a in accuracy)))
    check(best == n - 2, "the epoch after the best (%d) was the last: %s" % (best + 1, accuracy))
    check(info["best_epoch"] == best + 1, "run.json's best epoch: %s" % info)
    # each epoch before the best improved on all before it, or patience 1 would have stopped
    for i in range(1, best + 1):
        check(accuracy[i] > max(accuracy[:i]),
              "epoch %d improved, else the run would have stopped there: %s" % (i + 1, accuracy))
    out = run(["train", project, "--run", "text", "--epochs", "15"])
    check("stopped early after %d epochs" % n in out.stdout,
          "the text output says it stopped early:\n" + out.stdout)


# --- evaluate, predict --------------------------------------------------------------------

def trained_project(workdir, name):
    """A project on images hard enough that a short run makes mistakes, with run r."""
    images = os.path.join(workdir, name)
    make_images(images, per_class=100, contrast=70, noise=60, seed=7)
    project = make_project(workdir, name, images=images, learning_rate=0.01)
    run(["train", project, "--run", "r", "--epochs", "2"])
    return project


def predictions_of(result):
    """(labels, predictions) of every image from an evaluation's JSON listing all the
    misclassified ones: the others were classified as their label."""
    names = [c["name"] for c in result["classes"]]
    labels, predicted = [], []
    wrong = {}
    for m in result["misclassified"]:
        wrong[(names.index(m["label"]))] = wrong.get(names.index(m["label"]), 0) + 1
        labels.append(names.index(m["label"]))
        predicted.append(names.index(m["predicted"]))
    for c, info in enumerate(result["classes"]):
        right = info["support"] - wrong.get(c, 0)
        check(right >= 0, "no more misclassified images of %s than it has" % info["name"])
        labels += [c] * right
        predicted += [c] * right
    return labels, predicted


SKLEARN_CHECK = r"""
import json, sys
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
result, labels, predicted = json.load(sys.stdin)
k = len(result["classes"])
p, r, f, s = precision_recall_fscore_support(labels, predicted, labels=list(range(k)),
                                             zero_division=0)
m = confusion_matrix(labels, predicted, labels=list(range(k)))
bad = []
for c, info in enumerate(result["classes"]):
    for key, ours, theirs in (("precision", info["precision"], p[c]),
                              ("recall", info["recall"], r[c]), ("f1", info["f1"], f[c]),
                              ("support", info["support"], s[c])):
        if abs(ours - theirs) > 1e-12:
            bad.append("%s %s: strata %r, scikit-learn %r" % (info["name"], key, ours, theirs))
if m.tolist() != result["confusion"]:
    bad.append("confusion: strata %r, scikit-learn %r" % (result["confusion"], m.tolist()))
if abs(accuracy_score(labels, predicted) - result["accuracy"]) > 1e-12:
    bad.append("accuracy")
for row, norm in zip(m.tolist(), result["confusion_normalized"]):
    if any(abs(x / max(1, sum(row)) - y) > 1e-12 for x, y in zip(row, norm)):
        bad.append("normalized row %r: %r" % (row, norm))
print("\n".join(bad))
sys.exit(1 if bad else 0)
"""


def check_evaluation(project, split):
    """`strata evaluate --split SPLIT --json` against scikit-learn on the predictions it
    lists, and against `strata predict --split SPLIT` image by image; returns it."""
    out = run(["evaluate", project, "--run", "r", "--split", split, "--misclassified", "0",
               "--json"])
    (result,) = json_lines(out.stdout)
    check(result["event"] == "evaluation" and result["split"] == split
          and result["weights"] == "best", "the %s split with the best weights" % split)
    check(result["misclassified_count"] == len(result["misclassified"]),
          "--misclassified 0 lists all %d misclassified images" % result["misclassified_count"])
    labels, predicted = predictions_of(result)
    check(len(labels) == result["images"], "every image is counted")
    print("# %s split: confusion %s" % (split, result["confusion"]))
    check(len(set(predicted)) >= 2 and result["misclassified_count"] > 0,
          "the run predicts several classes and makes mistakes, so that the check means "
          "something: %s" % result["confusion"])

    # the same weights classify the split image by image
    out = run(["predict", project, "--run", "r", "--split", split, "--json"])
    names = [c["name"] for c in result["classes"]]
    per_image = events_of(out, "prediction")
    check(len(per_image) == result["images"], "predict lists every %s image" % split)
    wrong = sorted(m["image"] for m in result["misclassified"])
    check(sorted(p["image"] for p in per_image if p["predicted"] != p["label"]) == wrong,
          "predict and evaluate misclassify the same images")
    check(sorted(zip((names.index(p["label"]) for p in per_image),
                     (names.index(p["predicted"]) for p in per_image)))
          == sorted(zip(labels, predicted)), "and classify the others alike")

    checked = subprocess.run([PYTHON, "-c", SKLEARN_CHECK], capture_output=True, text=True,
                             input=json.dumps([result, labels, predicted]))
    check(checked.returncode == 0, "scikit-learn agrees:\n" + checked.stdout + checked.stderr)
    return result


def test_evaluate(workdir):
    """`strata evaluate PROJECT --run RUN [--split test] [--json]`: per-class precision,
    recall, F1, support and the confusion matrix are scikit-learn's on the same predictions,
    which `strata predict --split test` lists image by image."""
    if not have_python_modules("sklearn", "numpy"):
        raise Skip("no python3-sklearn")
    project = trained_project(workdir, "evaluate")
    for split in ("train", "test"):
        result = check_evaluation(project, split)

    saved = load_json(os.path.join(runs_dir(project), "r", "evaluation-test.json"))
    check(saved["classes"] == result["classes"] and saved["confusion"] == result["confusion"],
          "evaluation-test.json holds the same evaluation")

    # the text report as the README's first form writes it: the test split by default
    out = run(["evaluate", project, "--run", "r"])
    check(re.search(r"Run r \(best weights\), test split, %d images" % result["images"],
                    out.stdout), "the report's title:\n" + out.stdout)
    for info in result["classes"]:
        line = "%s %10.4f %10.4f %10.4f %8d" % (info["name"].ljust(20), info["precision"],
                                               info["recall"], info["f1"], info["support"])
        check(line in out.stdout, "the line of %s: %r\n%s" % (info["name"], line, out.stdout))
    check("Misclassified images with the highest loss" in out.stdout,
          "the worst images are listed")

    out = run(["evaluate", project, "--run", "r", "--split", "validation", "--weights", "last",
               "--json"])
    (validation,) = json_lines(out.stdout)
    last = read_jsonl(os.path.join(runs_dir(project), "r", "metrics.jsonl"))[-1]
    check(abs(validation["accuracy"] - last["val_accuracy"]) < 1e-9,
          "the last weights on the validation split score the last epoch's accuracy")


def test_tta(workdir):
    """`strata evaluate … --tta flip|crops|flip+crops`: the views per image, and a change in
    accuracy that is the images it corrects less those it gets wrong."""
    project = trained_project(workdir, "tta")
    out = run(["evaluate", project, "--run", "r", "--json"])
    (plain,) = json_lines(out.stdout)
    check("tta" not in plain, "no test-time augmentation unless asked")
    views = {}
    for mode in ("flip", "crops", "flip+crops"):
        out = run(["evaluate", project, "--run", "r", "--tta", mode, "--json"])
        (result,) = json_lines(out.stdout)
        tta = result["tta"]
        check(tta["mode"] == mode, "the mode is %s: %s" % (mode, tta))
        views[mode] = tta["views"]
        check(result["accuracy"] == plain["accuracy"] and result["loss"] == plain["loss"],
              "the plain figures stay beside the augmented ones")
        n = result["images"]
        check(abs(tta["accuracy"] - (plain["accuracy"] + (tta["fixed"] - tta["broken"]) / n))
              < 1e-9, "%s: accuracy changes by the corrected less the broken images: %s"
              % (mode, tta))
        check(abs(tta["accuracy_change"] - (tta["accuracy"] - plain["accuracy"])) < 1e-12,
              "the change is stated: %s" % tta)
        check(0 <= tta["top_k_accuracy"] <= 1 and math.isfinite(tta["loss"]), "finite figures")
    check(views["flip"] == 2 and views["crops"] > 2 and
          views["flip+crops"] == views["crops"] * 2, "views per image: %s" % views)
    out = run(["evaluate", project, "--run", "r", "--tta", "flip"])
    check("Test-time augmentation (flip, 2 views per image)" in out.stdout
          and "points" in out.stdout, "the text report states the effect:\n" + out.stdout)
    out = run(["evaluate", project, "--run", "r", "--tta", "none", "--json"])
    check("tta" not in json_lines(out.stdout)[0], "--tta none is none")


def test_predict(workdir):
    """`strata predict PROJECT --run RUN IMAGE_OR_FOLDER… [--top K] [--csv OUT] [--json]` and
    `--split test --csv OUT`: one line per image, the top K classes, a Filename,Label CSV."""
    project = trained_project(workdir, "predict")
    folder = os.path.join(workdir, "predict", "plain")
    image = os.path.join(workdir, "predict", "vertical", "000.png")
    odd = os.path.join(workdir, "odd")
    os.makedirs(odd)
    shutil.copy(image, os.path.join(odd, "good.png"))
    with open(os.path.join(odd, "bad.png"), "wb") as f:
        f.write(b"not an image at all")
    csv_path = os.path.join(workdir, "files.csv")

    out = run(["predict", project, "--run", "r", image, folder, odd, "--top", "2", "--csv",
               csv_path, "--json"])
    events = json_lines(out.stdout)
    predictions = [e for e in events if e["event"] == "prediction"]
    summary = events[-1]
    n_folder = len(os.listdir(folder))
    check(summary["event"] == "summary" and summary["images"] == 1 + n_folder + 2
          and summary["failed"] == 1, "every image, one failed: %s" % summary)
    check(len(predictions) == 1 + n_folder + 2, "a line per image")
    failed = [p for p in predictions if p.get("error")]
    check(len(failed) == 1 and failed[0]["image"].endswith("bad.png"),
          "bad.png is skipped with a reason: %s" % failed)
    for p in predictions:
        if p.get("error"):
            continue
        top = p["top"]
        check(len(top) == 2 and top[0]["probability"] >= top[1]["probability"]
              and top[0]["class"] == p["predicted"] and top[0]["probability"]
              + top[1]["probability"] <= 1 + 1e-6, "the top two, best first: %s" % p)
    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))
    check(rows[0] == ["Filename", "Label"], "the CSV's header: %s" % rows[0])
    check(sorted(r[1] for r in rows[1:]) ==
          sorted(p["predicted"] for p in predictions if not p.get("error")),
          "the CSV has the predicted classes")

    out = run(["predict", project, "--run", "r", image, "--top", "3"])
    check(re.match(r"%s: \w+ [0-9.]+, \w+ [0-9.]+, \w+ [0-9.]+\n1 image classified\n$"
                   % re.escape(image), out.stdout), "the text output:\n" + out.stdout)

    split_csv = os.path.join(workdir, "test.csv")
    out = run(["predict", project, "--run", "r", "--split", "test", "--csv", split_csv])
    evaluation = json_lines(run(["evaluate", project, "--run", "r", "--json"]).stdout)[0]
    check(("%d images classified, accuracy %.2f %%; written to %s"
           % (evaluation["images"], 100 * evaluation["accuracy"], split_csv)) in out.stdout,
          "the split's accuracy is the evaluation's:\n" + out.stdout)
    with open(split_csv, newline="") as f:
        rows = list(csv.reader(f))
    check(len(rows) == 1 + evaluation["images"], "a CSV row per test image")


# --- lr-find ------------------------------------------------------------------------------

def test_lr_find(workdir):
    """`strata lr-find PROJECT [--json]` suggests a rate from a rising-rate run and makes no
    run: the project's folder is as it was."""
    project = make_project(workdir, "lr")
    before = tree_digest(workdir)
    out = run(["lr-find", project, "--json"])
    (result,) = json_lines(out.stdout)
    points = result["points"]
    check(result["event"] == "lr_find" and 2 <= len(points) <= 100, "the curve: %s" % result)
    rates = [p["lr"] for p in points]
    check(all(a < b for a, b in zip(rates, rates[1:])), "the rate grows")
    check(abs(rates[0] - 1e-7) < 1e-12, "from 1e-7")
    check(rates[0] <= result["suggested_lr"] <= rates[-1] and
          rates[0] <= result["min_loss_lr"] <= rates[-1], "the suggestion is on the curve")
    check(result["optimizer"] == "adam" and result["batch_size"] == 16,
          "the project's optimizer and batch size")
    check(tree_digest(workdir) == before and not os.path.exists(runs_dir(project)),
          "no run is made and the project is unchanged")

    out = run(["lr-find", project, "--steps", "20", "--start", "1e-5", "--end", "1"])
    check(re.search(r"Suggested learning rate for adam: [0-9.e+-]+", out.stdout) or
          "did not fall" in out.stdout, "the text output suggests a rate:\n" + out.stdout)


# --- export, import-run -------------------------------------------------------------------

def test_export_zip(workdir):
    """`strata export PROJECT --run RUN --zip OUT.zip`: the zip is written after test.py,
    run in its own process, agreed with Strata on the test images."""
    if not have_python_modules("numpy", "torch", "h5py"):
        raise Skip("no python3 with numpy, torch and h5py: test.py can't run")
    project = trained_project(workdir, "export")
    zip_path = os.path.join(workdir, "out.zip")
    out = run(["export", project, "--run", "r", "--zip", zip_path, "--json"])
    events = json_lines(out.stdout)
    result = events[-1]
    check(any(e["event"] == "progress" for e in events), "progress events")
    check(result["checked"] is True, "test.py checked the export: %s" % result)
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
    check({"model.h5", "model.safetensors", "config.json", "test.py", "README.md"} <= names,
          "the zip's files: %s" % names)

    other = os.path.join(workdir, "text.zip")
    out = run(["export", project, "--run", "r", "--zip", other])
    check(out.stdout.startswith("Wrote %s (best weights" % other) and "agreed with Strata on"
          in out.stdout, "the text output says it was checked:\n" + out.stdout)


def test_export_pytorch_import_run(workdir):
    """`strata export PROJECT --run RUN --pytorch DIR`, its train.py, then `strata import-run
    PROJECT DIR [--name RUN]`: the run comes back and evaluates like any other."""
    if not have_python_modules("numpy", "torch"):
        raise Skip("no python3 with numpy and torch: train.py can't run")
    project = trained_project(workdir, "pytorch")
    folder = os.path.join(workdir, "ddp")
    out = run(["export", project, "--run", "r", "--pytorch", folder, "--json"])
    check(json_lines(out.stdout)[-1] == {"event": "exported", "path": folder},
          "the exported event: %s" % out.stdout[-300:])
    for name in ("train.py", "README.md"):
        check(os.path.exists(os.path.join(folder, name)), name + " is written")
    run(["export", project, "--run", "r", "--pytorch", folder], rc=1)   # not over it

    trained = os.path.join(workdir, "trained")
    done = subprocess.run([PYTHON, os.path.join(folder, "train.py"), "--epochs", "1", "--out",
                           trained, "--workers", "0"], capture_output=True, text=True,
                          timeout=600)
    check(done.returncode == 0, "train.py trains:\n" + done.stdout[-2000:] + done.stderr[-2000:])

    out = run(["import-run", project, trained, "--json"])
    check(json_lines(out.stdout) == [{"event": "imported", "run": "r-pytorch"}],
          "imported as r-pytorch: " + out.stdout)
    out = run(["import-run", project, trained, "--name", "mine"])
    check(out.stdout.strip() == "Imported run mine", "the text output: " + out.stdout)
    check(load_json(project)["runs"] == ["r", "r-pytorch", "mine"], "the project lists them")
    info = load_json(os.path.join(runs_dir(project), "mine", "run.json"))
    check(info["init_from"] == "r:best" or info["init_from"].startswith("r:"),
          "it says where it started from: %s" % info)
    out = run(["evaluate", project, "--run", "mine", "--weights", "last", "--json"])
    check(json_lines(out.stdout)[0]["images"] > 0, "the imported run evaluates")
    run(["train", project, "--resume", "mine", "--epochs", "2", "--max-batches", "2"])


TESTS = [test_help, test_readme_options, test_bad_arguments, test_new_examples, test_dataset_inspect, test_train,
         test_resume, test_init_from, test_checkpoint_best, test_early_stopping, test_evaluate,
         test_tta, test_predict, test_lr_find, test_export_zip, test_export_pytorch_import_run]

if __name__ == "__main__":
    sys.exit(main(TESTS, sys.argv[1:]))
