#!/usr/bin/env python3
# test-app-ui.py: the Strata window, driven like a user would, under Xvfb
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the real app and drives it with xdotool's pointer and keyboard events:
#
#   editor   the Fashion-MNIST example from the welcome page; a Dense layer dragged from
#            the palette and wired in; undo and redo; Save As through the file chooser; the
#            project file checked; the app reopened on it
#   prompt   an unsaved change: closing asks, and Cancel keeps the window
#   training Start on the Training page: points reach the plot; Stop leaves a resumable run;
#            Resume goes on from it; closing while training asks, then stops at a batch
#            boundary with a checkpoint from which `strata train --resume` continues; the
#            stopped run classifies a picture chosen on the Inference page
#   recovery an unsaved change, a crash (SIGKILL), and the next start offers the copy back
#   windows  Preferences and the keyboard shortcuts window
#   images   a new project on a folder of class folders, saved beside it
#   evaluate a short run evaluated on the Results page; a confusion-matrix cell opens its
#            images; Export Submission… writes a zip through the file chooser; the Inference
#            page classifies the test split and saves the predictions as CSV
#   runs     two runs made with the CLI overlaid on the Results page, their differing
#            learning rate highlighted; one renamed, one deleted and brought back with Undo,
#            a new run started from its best weights; the learning-rate finder's suggestion
#            taken on the Hyperparameters page
#
# The app writes where its widgets are and what it shows when sent SIGUSR1 (STRATA_TEST_DUMP);
# the test checks that and the files the app writes, not pixels.
#
# usage: test-app-ui.py STRATA [OUTDIR]   (exit 77, skipped, without xvfb-run or xdotool)

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strata_window import *  # noqa: E402,F401,F403  App, check, wait_for and the helpers


def test_editor(strata, home, outdir):
    project = os.path.join(home, "projects", "mine.strata")
    os.makedirs(os.path.dirname(project))

    app = App(strata, home)
    try:
        state = app.state()
        check(state["state"] == "welcome", "with no file the window shows the welcome page")
        app.click("welcome-example")
        state = wait_for("the example", lambda: (lambda s: s if s["state"] == "project" else None)(app.state()))
        check(state["page"] == "data", "the example opens on the Data page")
        check(state["path"] is None and not state["modified"], "as an untitled, unmodified project")

        state = add_dense(app)
        graph = state["editor"]["graph"]
        check(node_of(graph, "dense_2") is not None, "the dropped Dense layer is in the model")
        check(state["modified"], "a change marks the project unsaved")
        check("•" in state["title"] or state["modified"], "the window shows the unsaved mark")
        before = links_of(graph)
        app.screenshot(outdir, "ui-editor-dropped")

        editor = state["editor"]
        app.drag(editor["nodes"]["flatten"]["output"], editor["nodes"]["dense_2"]["inputs"][0])
        graph = app.state()["editor"]["graph"]
        check(("flatten", "dense_2", 0) in links_of(graph), "dragging port to port links them")

        app.key("ctrl+z")
        graph = app.state()["editor"]["graph"]
        check(("flatten", "dense_2", 0) not in links_of(graph), "Ctrl+Z takes the link back")
        app.key("ctrl+shift+z")
        graph = app.state()["editor"]["graph"]
        check(("flatten", "dense_2", 0) in links_of(graph), "Shift+Ctrl+Z brings it back")

        app.key("ctrl+s")
        save_as(app, project)
        state = wait_for("the save", lambda: (lambda s: s if s["path"] == project else None)(app.state()))
        check(not state["modified"], "saving clears the unsaved mark")
        check(state["title"].startswith("mine"), "the window is named after the file")

        app.key("ctrl+w")
        app.wait_exit("the saved project's window did not close on Ctrl+W")
    finally:
        app.finish()

    with open(project) as f:
        saved = json.load(f)
    model = saved["model"]
    check(node_of(model, "dense_2") is not None and node_of(model, "dense_2")["type"] == "Dense",
          "the project file has the new Dense layer")
    check(links_of(model) == before | {("flatten", "dense_2", 0)},
          "and the example's links plus flatten → dense_2")
    check(saved["format_version"] == 1 and saved["dataset"]["source_kind"] == "fashion-mnist",
          "the rest of the project is the example's")

    # Reopen: the file comes back as it was saved, and is among the recent projects.
    app = App(strata, home, args=[project], log_name="reopen")
    try:
        state = app.state()
        check(state["path"] == project and not state["modified"], "the file opens unmodified")
        app.key("alt+2")
        graph = wait_for("the Model page", lambda: app.state().get("editor"))["graph"]
        check(("flatten", "dense_2", 0) in links_of(graph), "with the layer and link saved")
        app.key("ctrl+w")
        app.wait_exit("the window did not close")
    finally:
        app.finish()

    app = App(strata, home, log_name="recent")
    try:
        check("welcome-example" in app.state()["widgets"], "the welcome page again")
        recent = os.path.join(home, "data", "recently-used.xbel")
        with open(recent) as f:
            check("mine.strata" in f.read(), "the saved project is a recent project")
    finally:
        app.finish()
    return project


def test_prompt(strata, home, project):
    app = App(strata, home, args=[project], log_name="prompt")
    try:
        add_dense(app)
        check(app.state()["modified"], "an edit marks the project unsaved")
        app.key("ctrl+w")
        app.click_dialog_button("Save Changes?", "Cancel")
        time.sleep(0.5)
        check(app.proc.poll() is None, "Cancel keeps the window open")
        check(app.state()["modified"], "with the change still there")
        app.key("ctrl+w")
        app.click_dialog_button("Save Changes?", "Discard")
        app.wait_exit("Discard did not close the window")
    finally:
        app.finish()
    with open(project) as f:
        check(node_of(json.load(f)["model"], "dense_3") is None, "a discarded change is not saved")



def training(app):
    return app.state()["training"]


def test_training(strata, home, outdir):
    workdir, project = new_example(strata, home, "train")
    run_dir = os.path.join(workdir, "fashion-mnist.runs", "run-1")

    app = App(strata, home, args=[project], log_name="training")
    try:
        app.key("alt+4")
        check(app.state()["page"] == "training", "Alt+4 shows the Training page")
        app.click("training-start")
        t = wait_for("points on the plot", lambda: (lambda t: t if t["loss_points"] >= 5 else None)(training(app)),
                     timeout=60)
        check(t["running"] and t["run"] == "run-1", "the first run trains")
        check(t["accuracy_points"] >= 5, "accuracy is plotted too")
        check(t["progress"] > 0, "the progress bar moves")
        app.screenshot(outdir, "ui-training")

        app.click("training-stop")
        t = wait_for("the stop", lambda: (lambda t: t if not t["running"] else None)(training(app)),
                     timeout=30)
        check(t["resume"] == "run-1", "a stopped run can be resumed")
        with open(os.path.join(run_dir, "run.json")) as f:
            check(json.load(f)["status"] == "stopped", "the run is saved as stopped")
        check(os.path.exists(os.path.join(run_dir, "checkpoint-last.safetensors")),
              "with a checkpoint")

        # The stopped run's last weights classify a picture on the Inference page.
        picture = os.path.join(home, "picture.png")
        subprocess.run(["convert", "-size", "28x28", "gradient:black-white", picture], check=True)
        app.key("alt+6")
        app.click("inference-choose")
        wait_for("the image chooser", lambda: any(d["title"] == "Choose Images"
                                                  for d in app.dump()["dialogs"]), timeout=10)
        app.type(picture)
        app.key("Return")
        wait_for("a prediction", lambda: app.state()["widgets"].get("inference-rows") == 1,
                 timeout=60)
        app.key("alt+4")

        app.click("training-resume")
        t = wait_for("the resumed run", lambda: (lambda t: t if t["running"] and t["batch_events"] >= 3 else None)(training(app)),
                     timeout=60)
        check(t["run"] == "run-1", "Resume continues the same run")
        check(t["loss_points"] >= 3, "its curve goes on")

        # Closing while training asks first, then stops cleanly.
        app.key("ctrl+w")
        app.click_dialog_button("Stop Training?", "Stop and Close")
        app.wait_exit("the window did not close after stopping", timeout=60)
    finally:
        app.finish()

    with open(os.path.join(run_dir, "run.json")) as f:
        info = json.load(f)
    check(info["status"] == "stopped", "closing stopped the run cleanly")
    with open(project) as f:
        check(json.load(f)["runs"] == ["run-1"], "the project file lists the run")

    # The checkpoint resumes: the CLI continues from the batch the window stopped at.
    out = subprocess.run([strata, "train", project, "--resume", "run-1", "--max-batches", "2",
                          "--json"], capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, "strata train --resume run-1 works: " + out.stderr)
    started = json.loads(out.stdout.splitlines()[0])
    check(started["event"] == "started" and started["batch"] > 0,
          "and starts from where the window stopped, not from the beginning")


def test_recovery(strata, home, project):
    keyfile_dir = os.path.join(home, "config", "glib-2.0", "settings")
    os.makedirs(keyfile_dir, exist_ok=True)
    with open(os.path.join(keyfile_dir, "keyfile"), "w") as f:
        f.write("[org/strata/Strata]\nautosave-interval=uint32 1\n")
    env = {"GSETTINGS_BACKEND": "keyfile"}

    app = App(strata, home, args=[project], env=env, log_name="crash")
    try:
        state = add_dense(app)
        added = sorted(n["id"] for n in state["editor"]["graph"]["nodes"])
        recovery_dir = os.path.join(home, "data", "strata", "recovery")
        wait_for("the recovery copy", lambda: os.path.isdir(recovery_dir) and os.listdir(recovery_dir),
                 timeout=10)
        time.sleep(1.5)
        left = set(os.listdir(recovery_dir))
        app.proc.send_signal(signal.SIGKILL)
        app.proc.wait()
    finally:
        app.finish()

    app = App(strata, home, env=env, log_name="recover")
    try:
        app.click_dialog_button("Recover Unsaved Changes?", "Recover")
        state = wait_for("the recovered project",
                         lambda: (lambda s: s if s["state"] == "project" else None)(app.state()))
        check(state["path"] == project and state["modified"],
              "the recovered project is the file's, with its unsaved changes")
        app.key("alt+2")
        graph = wait_for("the Model page", lambda: app.state().get("editor"))["graph"]
        check(sorted(n["id"] for n in graph["nodes"]) == added, "the change is back")
        check(not left & set(os.listdir(os.path.join(home, "data", "strata", "recovery"))),
              "the recovered copy is taken (the window keeps its own from then on)")
        app.key("ctrl+w")
        app.click_dialog_button("Save Changes?", "Discard")
        app.wait_exit("the window did not close")
    finally:
        app.finish()


def test_windows(strata, home, project):
    """Preferences, the shortcuts window and the style setting, opened from the keyboard."""
    app = App(strata, home, args=[project], log_name="windows")
    try:
        app.key("ctrl+comma")
        wait_for("the preferences", lambda: any(d["title"] == "Preferences"
                                                for d in app.dump()["dialogs"]), timeout=10)
        app.key("Escape")
        wait_for("the preferences to close", lambda: not app.dump()["dialogs"], timeout=10)
        app.key("ctrl+question")
        wait_for("the shortcuts window", lambda: any("Shortcuts" in d["title"]
                                                     for d in app.dump()["dialogs"]), timeout=10)
        app.key("Escape")
        app.key("ctrl+w")
        app.wait_exit("the window did not close")
    finally:
        app.finish()


def test_from_images(strata, home):
    """A new project on a folder of class folders, saved beside it."""
    folder = os.path.join(home, "pictures", "images")
    for name, colours in (("circles", "black-white"), ("squares", "white-black")):
        os.makedirs(os.path.join(folder, name))
        for i in range(12):
            subprocess.run(["convert", "-size", "%dx%d" % (20 + i, 24), "gradient:" + colours,
                            os.path.join(folder, name, "%02d.png" % i)], check=True)
    project = os.path.join(home, "pictures", "shapes.strata")

    app = App(strata, home, log_name="images")
    try:
        app.click("welcome-images")
        title = "Choose a Folder with a Folder for Each Class"
        wait_for("the folder chooser", lambda: any(d["title"] == title
                                                   for d in app.dump()["dialogs"]), timeout=10)
        app.type(folder)
        # Choose takes the folder typed in the location entry
        app.click_dialog_button(title, "Choose")
        state = wait_for("the new project",
                         lambda: (lambda s: s if s["state"] == "project" else None)(app.state()),
                         timeout=60)
        check(state["path"] is None and state["modified"], "an untitled project with its images")
        app.key("ctrl+s")
        save_as(app, project)
        app.key("ctrl+w")
        app.wait_exit("the window did not close")
    finally:
        app.finish()
    with open(project) as f:
        saved = json.load(f)
    check(saved["dataset"]["source_kind"] == "folder", "the project reads a folder of images")
    check(saved["dataset"]["source_path"] == "images",
          "saved beside its images, the project finds them by a relative path")
    classes = node_of(saved["model"], "output") or next(n for n in saved["model"]["nodes"]
                                                        if n["type"] == "Output")
    check(classes is not None, "with a starter network that ends in an Output layer")



def test_evaluate(strata, home, outdir):
    """Evaluate a short run, open a confusion-matrix cell, export a submission zip."""
    _, project = new_example(strata, home, "evaluate")
    out = subprocess.run([strata, "train", project, "--max-batches", "30", "--json"],
                         capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, "a short run trains: " + out.stderr)
    zip_path = os.path.join(home, "submission.zip")
    csv_path = os.path.join(home, "predictions.csv")

    app = App(strata, home, args=[project], log_name="evaluate")
    try:
        wait_for("the project", lambda: app.state().get("page"))
        app.key("alt+5")
        widgets = wait_for("the Results page", lambda: (lambda s: s["widgets"] if s.get("page") == "results" else None)(app.state()), timeout=10)
        check(widgets["evaluation-shown"] == 0, "the run is not evaluated yet")
        app.click("evaluation-evaluate")
        widgets = wait_for("the evaluation", lambda: (lambda w: w if w["evaluation-shown"] and not w["evaluation-busy"] and w["confusion-cells"] else None)(app.state()["widgets"]),
                           timeout=120)
        check(widgets["evaluation-misclassified-images"] > 0,
              "the misclassified images are shown, worst first")

        # the busiest wrong cell, else the busiest cell
        def target(w):
            cells = w["confusion-cells"]
            wrong = [c for c in cells if c[2] != c[3] and c[4] > 0]
            return max(wrong or cells, key=lambda c: c[4])

        cell = target(widgets)
        check(cell[4] > 0, "the cell has images")
        point = scroll_into_view(app, lambda s: (lambda c: c[:2] if c else None)(
            next((c for c in s["widgets"]["confusion-cells"] if c[2:4] == cell[2:4]), None)))
        app.click_at(point)
        widgets = wait_for("the cell's gallery", lambda: (lambda w: w if w["evaluation-cell-row"] == cell[2] else None)(app.state()["widgets"]))
        check(widgets["evaluation-cell-column"] == cell[3], "the clicked cell is shown")
        check(widgets["evaluation-cell-images"] == min(cell[4], 60),
              "its gallery holds its images (%d, expected %d)" % (widgets["evaluation-cell-images"], min(cell[4], 60)))
        time.sleep(1.0)
        app.screenshot(outdir, "ui-results")

        scroll_into_view(app, lambda s: (lambda w: w[:2] if w else None)(s["widgets"].get("evaluation-export")))
        app.click("evaluation-export")
        answer_chooser(app, "Export Submission", zip_path)
        widgets = wait_for("the export", lambda: (lambda w: w if not w["evaluation-export-busy"] and w["evaluation-export-status"].startswith(("Exported", "Could not")) else None)(app.state()["widgets"]),
                           timeout=180)
        # checked, not "Exported …, not checked": test.py ran (python3-torch is in .ci/packages)
        # and agreed with Strata
        check(widgets["evaluation-export-status"].startswith(
                  "Exported submission.zip; its test.py agrees with Strata on "),
              "the export succeeds and is checked: " + widgets["evaluation-export-status"])

        # the Inference page classifies the test split and saves the predictions as CSV
        app.key("alt+6")
        app.click("inference-test-split")
        widgets = wait_for("the test split's predictions", lambda: (lambda w: w if w["inference-total"] > 0 else None)(app.state()["widgets"]),
                           timeout=120)
        check(widgets["inference-rows"] == min(widgets["inference-total"], 100),
              "the first predictions are listed")
        app.click("inference-save-csv")
        answer_chooser(app, "Save Predictions", csv_path)
        wait_for("the CSV", lambda: os.path.exists(csv_path), timeout=10)
        app.key("ctrl+w")
        app.wait_exit("the window did not close")
    finally:
        app.finish()

    import zipfile
    check(os.path.exists(zip_path), "the zip is written")
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
    for name in ("model.h5", "model.safetensors", "config.json", "test.py"):
        check(name in names, "the zip holds " + name)
    check(any(n.startswith("README") for n in names), "and a README")
    with open(csv_path) as f:
        rows = f.read().splitlines()
    check(rows[0] == "Filename,Label" and len(rows) == widgets["inference-total"] + 1,
          "the CSV has a Filename,Label row for every test image")


def results(app):
    return app.state()["results"]


def test_runs(strata, home, outdir):
    """Runs compared, renamed, deleted and restored; the learning-rate finder."""
    workdir, project = new_example(strata, home, "runs")
    with open(project) as f:
        saved = json.load(f)
    # a few hundred images: three epochs take a second or two
    saved["dataset"]["max_train_per_class"] = 30
    saved["hyperparameters"]["epochs"] = 3
    with open(project, "w") as f:
        json.dump(saved, f)
    # the second run with another learning rate, which its settings.json records
    for name, rate in (("slow", 0.001), ("fast", 0.004)):
        out = subprocess.run([strata, "train", project, "--run", name, "--lr", str(rate)],
                             capture_output=True, text=True, timeout=120)
        check(out.returncode == 0, "strata train --run %s works: %s" % (name, out.stderr))

    app = App(strata, home, args=[project], log_name="runs")
    try:
        app.key("alt+5")
        r = wait_for("the runs", lambda: (lambda r: r if len(r["runs"]) == 2 else None)(results(app)))
        check(r["shown"] == ["slow", "fast"], "the newest runs are on the plots at first")
        check(r["loss_series"] == 6 and r["accuracy_series"] == 6,
              "each run has a training, a validation and a per-batch curve on both plots")
        # off and on again with its check box
        app.click("results-show-slow")
        r = wait_for("one run plotted", lambda: (lambda r: r if r["shown"] == ["fast"] else None)(results(app)))
        check(r["loss_series"] == 3, "a run left out leaves the plots")
        app.click("results-show-slow")
        r = wait_for("both runs plotted", lambda: (lambda r: r if len(r["shown"]) == 2 else None)(results(app)))
        check(r["loss_series"] == 6, "and comes back")
        rows = {row["key"]: row for row in r["comparison"]}
        lr = rows.get("hyperparameters.learning_rate")
        check(lr and lr["differs"] and lr["values"] == ["0.001", "0.004"],
              "the comparison shows the learning rates side by side, marked as different: %s" % lr)
        check(not rows["hyperparameters.batch_size"]["differs"], "the same batch size is not marked")
        app.screenshot(outdir, "ui-results-runs")

        # F2 on the selected run renames it
        app.click("results-run-fast")
        check(results(app)["selected"] == "fast", "a click selects the run")
        app.key("F2")
        wait_for("the rename dialog", lambda: any(d["title"] == "Rename “fast”"
                                                  for d in app.dump()["dialogs"]), timeout=10)
        app.key("ctrl+a")
        app.type("quick")
        app.click_dialog_button("Rename “fast”", "Rename")
        r = wait_for("the renamed run", lambda: (lambda r: r if "quick" in r["runs"] else None)(results(app)))
        check(r["selected"] == "quick" and "quick" in r["shown"],
              "the renamed run stays selected and plotted")
        check(os.path.isdir(os.path.join(workdir, "fashion-mnist.runs", "quick")),
              "its folder is renamed")

        # Delete, then Undo in the toast
        app.key("Delete")
        r = wait_for("the deleted run", lambda: (lambda r: r if r["runs"] == ["slow"] else None)(results(app)))
        undo = wait_for("the Undo button", lambda: app.state()["toast_buttons"].get("Undo"), timeout=10)
        time.sleep(0.5)   # the toast slides in
        app.click_at(app.state()["toast_buttons"]["Undo"][:2])
        r = wait_for("the run back", lambda: (lambda r: r if "quick" in r["runs"] else None)(results(app)))
        check(os.path.exists(os.path.join(workdir, "fashion-mnist.runs", "quick", "run.json")),
              "its folder is back")

        # a new run from the selected run's best weights, on the Training page
        app.click("results-run-quick")
        app.click("results-run-menu")
        app.key("Return")   # the menu opens on its first item
        state = wait_for("the Training page", lambda: (lambda s: s if s["page"] == "training" else None)(app.state()))
        check(state["training"]["init_from"] == "quick:best",
              "New Run From Best Epoch sets Load Previous Weights: %s" % state["training"]["init_from"])

        # the learning-rate finder, and its suggestion taken
        app.key("alt+3")
        app.click("hyperparams-find-lr")
        title = "Find Learning Rate"

        def use_button():
            dialog = next((d for d in app.dump()["dialogs"] if d["title"] == title), None)
            return dialog and next((b for b in dialog["buttons"] if b.startswith("Use ")), None)

        label = wait_for("the suggestion", use_button, timeout=60)
        app.screenshot(outdir, "ui-lr-finder")
        app.click_dialog_button(title, label)
        wait_for("the dialog to close", lambda: not app.dump()["dialogs"], timeout=10)
        check(app.state()["modified"], "the new learning rate is an unsaved change")
        app.key("ctrl+s")
        wait_for("the save", lambda: not app.state()["modified"], timeout=10)
        app.key("ctrl+w")
        app.wait_exit("the window did not close")
    finally:
        app.finish()
    with open(project) as f:
        saved = json.load(f)
    rate = saved["hyperparameters"]["learning_rate"]
    check(abs(rate - float(label[len("Use "):])) < 1e-12 and rate != 0.001,
          "the project's learning rate is the suggested one: %g, %s" % (rate, label))
    check(sorted(saved["runs"]) == ["quick", "slow"], "the project lists the runs by their names")
    check(not os.path.exists(os.path.join(workdir, "fashion-mnist.runs", ".trash", "quick")),
          "nothing is left in the trash")


def run(strata, outdir):
    home = tempfile.mkdtemp(prefix="strata-app-ui-")
    # STRATA_UI_ONLY=7,8 runs only those (1 always runs: it makes the others' project)
    project = None
    tests = [
        (lambda: test_prompt(strata, home, project),
         "closing with unsaved changes asks; Cancel keeps them, Discard drops them"),
        (lambda: test_training(strata, home, outdir),
         "train with live plots, stop, resume, close while training, resume from CLI"),
        (lambda: test_recovery(strata, home, project),
         "after a crash the autosaved changes are offered back"),
        (lambda: test_windows(strata, home, project),
         "preferences and keyboard shortcuts open from the keyboard, without warnings"),
        (lambda: test_from_images(strata, home),
         "a new project on a folder of images, saved beside them"),
        (lambda: test_evaluate(strata, home, outdir),
         "evaluate a run, open a confusion-matrix cell's images, export a submission, "
         "classify the test split and save it as CSV"),
        (lambda: test_runs(strata, home, outdir),
         "runs compared, renamed, deleted and undone, trained from; the lr finder"),
    ]
    try:
        project = test_editor(strata, home, outdir)
        print("ok 1 - welcome, example, palette drop, link, undo/redo, Save As, reopen, recent")
        run_scenarios(tests, first=2)
    finally:
        clean_home(home, outdir)


if __name__ == "__main__":
    sys.exit(main_under_xvfb(__file__, run, 8))
