#!/usr/bin/env python3
# test-training-ui.py: the Training, Results and Inference pages under a person's hands
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the real app under Xvfb and drives it with xdotool's pointer, clicking each button
# where it is drawn:
#
#   empty    a project without runs: the Inference page's empty state leads to Training;
#            the Data page's Memory Limit can't be edited once the cache is Never
#   history  a run started, stopped mid-epoch, resumed and stopped again plots one continuous
#            per-batch curve (the plotted series' x range goes on from where it was); the
#            cards then show the run's averages, labelled, and the status card keeps its
#            height; reopened, the project shows the same curve on Training and Results and
#            how far the run got; Inference offers its last weights as what they are; a
#            submission exported from it has an Open Folder button
#   bf16     bfloat16 chosen on a processor without AVX512-BF16 (oneDNN told so with
#            ONEDNN_MAX_CPU_ISA=AVX512_CORE): the Precision row says so, the run says so and
#            records that it trained in fp32
#
# The app writes where its widgets are and what it shows when sent SIGUSR1 (STRATA_TEST_DUMP);
# the test checks that and the files the app writes.
#
# usage: test-training-ui.py STRATA [OUTDIR]   (exit 77, skipped, without xvfb-run or xdotool)

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strata_window import *  # noqa: E402,F401,F403  App, check, wait_for and the helpers


def point_into(app):
    """Without a window manager the keyboard goes where the pointer is: into the window."""
    x, y, w, h = app.state()["widgets"]["window"]
    xdotool("mousemove", "--sync", *app.screen((x, y)))


def training(app):
    return app.state()["training"]


def batch_series(plot):
    return next(s for s in plot["series"] if s["label"] == "Per batch")


def wait_batches(app, n, what, timeout=300):
    last = {}

    def enough():
        t = last["t"] = training(app)
        return t if t["running"] and t["batch_events"] >= n else None

    try:
        return wait_for(what, enough, timeout=timeout, step=1)
    except Failure:
        t = last.get("t", {})
        raise Failure("%s: %s, %s batches, %s" % (what, t.get("status"), t.get("batch_events"),
                                                  t.get("detail")))


def wait_stopped(app):
    return wait_for("the stop", lambda: (lambda t: t if not t["running"] else None)(training(app)),
                    timeout=60)


def test_empty(strata, home, outdir):
    workdir, project = new_example(strata, home, "empty")
    app = App(strata, home, args=[project], log_name="empty")
    try:
        point_into(app)
        app.key("alt+6")
        state = app.state()
        check(state["page"] == "inference", "Alt+6 shows the Inference page: %s" % state.get("page"))
        check("inference-go-training" in state["widgets"],
              "without a trained run it offers a way to train one")
        app.screenshot(outdir, "ui-inference-empty")
        app.click("inference-go-training")
        check(app.state()["page"] == "training", "Go to Training shows the Training page")
        t = training(app)
        check(t["loss_plot"]["x_title"] == "Epoch", "the plots' x axis is titled Epoch")

        app.key("alt+1")
        point = scroll_into_view(app, lambda s: (lambda w: w[:2] if w else None)(s["widgets"].get("data-cache-mode")))
        # the example decodes every time: the cache is Never
        check(not app.state()["widgets"]["data-memory-limit-sensitive"],
              "with the cache Never the Memory Limit can't be edited")
        app.screenshot(outdir, "ui-data-cache-never")
        app.click_at(point)
        # the choices' popover: the first one is Automatically
        app.key("Home", "Return")
        wait_for("the cache set to Automatically", lambda: app.state()["widgets"]["data-memory-limit-sensitive"],
                 timeout=10)
        app.screenshot(outdir, "ui-data-cache-auto")
        app.click_at(point)
        app.key("End", "Return")
        wait_for("the cache Never again", lambda: not app.state()["widgets"]["data-memory-limit-sensitive"],
                 timeout=10)
    finally:
        app.finish()


def test_history(strata, home, outdir):
    workdir, project = new_example(strata, home, "history")
    run_dir = os.path.join(workdir, "fashion-mnist.runs", "run-1")
    zip_path = os.path.join(home, "exported", "submission.zip")
    os.makedirs(os.path.dirname(zip_path))

    app = App(strata, home, args=[project], log_name="history")
    try:
        point_into(app)
        app.key("alt+4")
        app.click("training-start")
        t = wait_batches(app, 120, "the first batches")
        height_running = app.state()["widgets"]["training-status"][3]
        app.screenshot(outdir, "ui-history-running")
        app.click("training-stop")
        t = wait_stopped(app)
        state = app.state()
        first = batch_series(t["loss_plot"])
        check(first["points"] >= 120, "the per-batch curve has the batches trained (%d)" % first["points"])
        check(first["x_min"] < 0.01, "from the first batch")
        check(state["widgets"]["training-status"][3] == height_running,
              "the status card keeps its height after Stop (%s, was %s)"
              % (state["widgets"]["training-status"][3], height_running))
        check("Average Images/s" in t["stats"] and
              "Average Epoch (s)" in t["stats"],
              "after Stop the cards show the run's averages, labelled: %s" % t["stats"])
        check(t["stats"]["Average Images/s"] not in ("", "—"), "with a figure")
        with open(os.path.join(run_dir, "batches.json")) as f:
            saved = json.load(f)
        check(sum(p[4] for p in saved["points"]) == first["points"],
              "the run's folder keeps the per-batch curve with its checkpoint")
        app.screenshot(outdir, "ui-history-stopped")

        app.click("training-resume")
        t = wait_batches(app, 60, "the resumed batches")
        app.click("training-stop")
        t = wait_stopped(app)
        second = batch_series(t["loss_plot"])
        check(abs(second["x_min"] - first["x_min"]) < 1e-9,
              "after Resume the curve before it is still there (x from %g, was %g)"
              % (second["x_min"], first["x_min"]))
        check(second["x_max"] > first["x_max"], "and goes on from where it stopped")
        check(second["points"] >= first["points"] + 60,
              "one continuous curve: %d points after %d" % (second["points"], first["points"]))
        loss_y = (second["y_min"], second["y_max"])
        app.screenshot(outdir, "ui-history-resumed")

        # a run with no finished epoch has only its last weights, and says so
        app.key("alt+6")
        widgets = app.state()["widgets"]
        check(widgets["inference-weights-label"] == "Last epoch (no best yet)",
              "Inference says the weights are the last: " + widgets["inference-weights-label"])
        app.key("alt+4")
    finally:
        app.finish()

    # Reopened: the curve, how far the run got, on Training and on Results.
    app = App(strata, home, args=[project], log_name="history-reopened")
    try:
        point_into(app)
        app.key("alt+4")
        t = training(app)
        again = batch_series(t["loss_plot"])
        check(again["points"] == second["points"] and abs(again["x_min"] - second["x_min"]) < 1e-6
              and abs(again["x_max"] - second["x_max"]) < 1e-6,
              "reopened, Training shows the same per-batch curve: %s, was %s" % (again, second))
        check(abs(again["y_min"] - loss_y[0]) < 0.05 and abs(again["y_max"] - loss_y[1]) < 0.05,
              "smoothed alike")
        check("batch" in t["detail"] and t["detail"].startswith("Epoch 1 of"),
              "and how far the run got: " + t["detail"])
        check(t["progress"] > 0, "on the progress bar too")
        check(batch_series(t["accuracy_plot"])["points"] == again["points"], "accuracy as well")
        app.screenshot(outdir, "ui-history-reopened")

        app.key("alt+5")
        results = app.state()["results"]
        per_batch = [s for s in results["loss_plot"]["series"] if s["label"] == "run-1 per batch"]
        check(per_batch and per_batch[0]["points"] == second["points"] and
              abs(per_batch[0]["x_max"] - second["x_max"]) < 1e-6,
              "Results plots the stopped run's per-batch curve: %s" % results["loss_plot"])
        check("0 of 10 epochs and %d batches" % round(second["x_max"] * 844) in results["summary"],
              "and how far it got: " + results["summary"])
        app.screenshot(outdir, "ui-history-results")

        # the submission, then its folder
        scroll_into_view(app, lambda s: (lambda w: w[:2] if w else None)(s["widgets"].get("evaluation-export")))
        app.click("evaluation-export")
        answer_chooser(app, "Export Submission", zip_path)
        widgets = wait_for("the export", lambda: (lambda w: w if not w["evaluation-export-busy"] and w["evaluation-export-status"].startswith(("Exported", "Could not")) else None)(app.state()["widgets"]),
                           timeout=180)
        check(widgets["evaluation-export-status"].startswith("Exported"),
              "the export succeeds: " + widgets["evaluation-export-status"])
        point = scroll_into_view(app, lambda s: (lambda w: w[:2] if w else None)(s["widgets"].get("evaluation-open-folder")))
        app.screenshot(outdir, "ui-export-open-folder")
        app.click_at(point)
        wait_for("the folder shown", lambda: app.state()["widgets"]["evaluation-opened-folder"] == os.path.dirname(zip_path),
                 timeout=10)
    finally:
        app.finish()


def has_bf16():
    with open("/proc/cpuinfo") as f:
        return "avx512_bf16" in f.read()


def test_bf16(strata, home, outdir):
    workdir, project = new_example(strata, home, "bf16")
    run_dir = os.path.join(workdir, "fashion-mnist.runs", "run-1")
    with open(project) as f:
        data = json.load(f)
    data["hyperparameters"]["precision"] = "bf16"
    with open(project, "w") as f:
        json.dump(data, f)

    # this processor as it is: the CLI's run says what it computes in
    out = subprocess.run([strata, "train", project, "--run", "native", "--max-batches", "1",
                          "--json"], capture_output=True, text=True, timeout=300)
    check(out.returncode == 0, "strata train works: " + out.stderr)
    started = json.loads(out.stdout.splitlines()[0])
    check(started["precision_requested"] == "bf16" and
          started["precision"] == ("bf16" if has_bf16() else "fp32"),
          "the started event says what the run computes in: %s" % started)

    no_bf16 = {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE"}
    out = subprocess.run([strata, "train", project, "--run", "cli-fp32", "--max-batches", "1",
                          "--json"], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, **no_bf16))
    check(out.returncode == 0, "strata train works without bf16: " + out.stderr)
    check(json.loads(out.stdout.splitlines()[0])["precision"] == "fp32",
          "without AVX512-BF16 it computes in fp32 and says so")

    app = App(strata, home, args=[project], env=no_bf16, log_name="bf16")
    try:
        point_into(app)
        app.key("alt+3")
        widgets = app.state()["widgets"]
        check("AVX512-BF16" in widgets["hyperparams-precision-subtitle"],
              "where precision is chosen it says bf16 is not there: "
              + widgets["hyperparams-precision-subtitle"])
        app.screenshot(outdir, "ui-bf16-hyperparams")
        app.key("alt+4")
        state = app.state()
        app.click("training-start")
        t = wait_batches(app, 3, "the first batches")
        check(t["precision_notice"] and "AVX512-BF16" in t["precision_notice"],
              "the run says it trains in fp32: %s" % t["precision_notice"])
        app.screenshot(outdir, "ui-bf16-training")
        app.click("training-stop")
        wait_stopped(app)
    finally:
        app.finish()
    runs = sorted(os.listdir(os.path.join(workdir, "fashion-mnist.runs")))
    window_run = next(r for r in runs if r not in ("native", "cli-fp32"))
    with open(os.path.join(workdir, "fashion-mnist.runs", window_run, "run.json")) as f:
        info = json.load(f)
    check(info["precision"] == "fp32" and info["precision_requested"] == "bf16",
          "the run records it asked for bf16 and trained in fp32: %s" % info)


def run(strata, outdir):
    home = tempfile.mkdtemp(prefix="strata-training-ui-")
    tests = [
        (lambda: test_empty(strata, home, outdir),
         "Inference's empty state leads to Training; Memory Limit off with the cache Never"),
        (lambda: test_history(strata, home, outdir),
         "stop, resume, reopen: one continuous per-batch curve on Training and Results; "
         "averages after Stop; the last weights named; Open Folder after an export"),
        (lambda: test_bf16(strata, home, outdir),
         "bf16 without AVX512-BF16 is said where chosen and in the run, recorded as fp32"),
    ]
    try:
        run_scenarios(tests)
    finally:
        clean_home(home, outdir)


if __name__ == "__main__":
    sys.exit(main_under_xvfb(__file__, run, 3, screen="1280x800"))
