# strata_window.py: what the window tests share — the app under Xvfb, driven with xdotool
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A test program (tests/test-*-ui.py) imports this module, writes its scenarios with App,
# check() and wait_for(), and hands its run(strata, outdir) to main_under_xvfb(). The app
# writes where its widgets are and what it shows when sent SIGUSR1 (STRATA_TEST_DUMP); the
# tests check that and the files the app writes, not pixels, and click widgets where they are
# drawn.

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def xdotool(*args):
    return subprocess.run(["xdotool", *map(str, args)], check=True, capture_output=True,
                          text=True).stdout


def wait_for(what, predicate, timeout=30, step=0.25):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise Failure("timed out waiting for " + what)


class App:
    """One run of the strata binary with its own home, settings and dump file."""

    def __init__(self, strata, home, args=(), env=None, log_name="app"):
        self.dump_path = os.path.join(home, "dump.json")
        self.log_path = os.path.join(home, log_name + ".log")
        self.log = open(self.log_path, "w")
        environment = dict(os.environ,
                           HOME=home,
                           XDG_DATA_HOME=os.path.join(home, "data"),
                           XDG_CONFIG_HOME=os.path.join(home, "config"),
                           XDG_CACHE_HOME=os.path.join(home, "cache"),
                           STRATA_TEST_DUMP=self.dump_path)
        environment.update(env or {})
        self.proc = subprocess.Popen([strata, *args], env=environment, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.window = wait_for("the window", self._find_window)
        self.origin = self._origin()
        time.sleep(1.0)

    def _find_window(self):
        if self.proc.poll() is not None:
            self.log.flush()
            with open(self.log_path) as f:
                tail = f.read()[-2000:]
            raise Failure("strata exited at start with status %d:\n%s" % (self.proc.returncode, tail))
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.proc.pid)],
                               capture_output=True, text=True).stdout.split()
        for window in found:
            if "Strata" in subprocess.run(["xdotool", "getwindowname", window], capture_output=True,
                                          text=True).stdout:
                return window
        return None

    def _origin(self):
        geometry = dict(line.split("=", 1)
                        for line in xdotool("getwindowgeometry", "--shell", self.window).split())
        return int(geometry["X"]), int(geometry["Y"])

    def dump(self):
        if os.path.exists(self.dump_path):
            os.unlink(self.dump_path)
        time.sleep(0.2)
        check(self.proc.poll() is None, "strata exited")
        self.proc.send_signal(signal.SIGUSR1)
        wait_for("the app's dump", lambda: os.path.exists(self.dump_path), timeout=10, step=0.05)
        with open(self.dump_path) as f:
            return json.load(f)

    def state(self):
        windows = self.dump()["windows"]
        check(len(windows) == 1, "one window")
        return windows[0]

    def screen(self, point):
        return round(self.origin[0] + point[0]), round(self.origin[1] + point[1])

    def click_at(self, point):
        xdotool("mousemove", "--sync", *self.screen(point))
        time.sleep(0.1)
        xdotool("click", "1")
        time.sleep(0.4)

    def click(self, widget):
        widgets = self.state()["widgets"]
        check(widget in widgets, "the %s button is shown" % widget)
        self.click_at(widgets[widget][:2])

    def click_dialog_button(self, title, label):
        """Clicks a button of a dialog, which has its own window."""
        def find():
            return next((d for d in self.dump()["dialogs"] if d["title"] == title), None)

        wait_for("the “%s” dialog" % title, find, timeout=10)
        # a dialog that just appeared may still change size: take it once it has settled
        dialog = None
        for i in range(20):
            # without a window manager, a new dialog settles its size on the next events
            xdotool("mousemove", 5 + i % 2, 5)
            time.sleep(0.3)
            again = find()
            if again == dialog:
                break
            dialog = again
        check(label in dialog["buttons"], "the “%s” dialog has “%s”" % (title, label))
        x, y = dialog["buttons"][label][:2]
        origin = (0, 0)
        for window in subprocess.run(["xdotool", "search", "--onlyvisible", "--pid",
                                      str(self.proc.pid)], capture_output=True,
                                     text=True).stdout.split():
            g = dict(line.split("=", 1)
                     for line in xdotool("getwindowgeometry", "--shell", window).split())
            if [int(g["WIDTH"]), int(g["HEIGHT"])] == dialog["size"]:
                origin = (int(g["X"]), int(g["Y"]))
        xdotool("mousemove", "--sync", round(origin[0] + x), round(origin[1] + y))
        time.sleep(0.1)
        xdotool("click", "1")
        time.sleep(0.4)

    def drag(self, start, end, steps=30, hold=0.25):
        (x0, y0), (x1, y1) = self.screen(start), self.screen(end)
        xdotool("mousemove", "--sync", x0, y0)
        time.sleep(0.1)
        xdotool("mousedown", "1")
        time.sleep(hold)
        for i in range(1, steps + 1):
            xdotool("mousemove", x0 + (x1 - x0) * i // steps, y0 + (y1 - y0) * i // steps)
            time.sleep(0.02)
        time.sleep(0.2)
        xdotool("mouseup", "1")
        time.sleep(0.4)

    def key(self, *keys):
        for k in keys:
            xdotool("key", k)
            time.sleep(0.3)

    def type(self, text):
        xdotool("type", "--delay", "15", text)
        time.sleep(0.3)

    def screenshot(self, outdir, name):
        if outdir:
            subprocess.run(["import", "-window", "root", os.path.join(outdir, name + ".png")])

    def wait_exit(self, what, timeout=30):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure(what)

    def finish(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        with open(self.log_path) as f:
            log = f.read()
        # A warning or critical from GTK or from us is a bug, whatever the window shows.
        bad = [l for l in log.splitlines() if ("CRITICAL" in l or "WARNING" in l) and
               "session bus" not in l and "dbus" not in l.lower()]
        check(not bad, "strata logged problems:\n" + "\n".join(bad))


def links_of(graph):
    return {(l["from"], l["to"], l["port"]) for l in graph["links"]}


def node_of(graph, node_id):
    return next((n for n in graph["nodes"] if n["id"] == node_id), None)


def empty_spot(editor):
    x, y, w, h = editor["canvas"]
    centers = [n["center"] for n in editor["nodes"].values()]
    for fx in (0.8, 0.7, 0.25, 0.15):
        for fy in (0.35, 0.5, 0.25, 0.65):
            p = (x + w * fx, y + h * fy)
            if all(abs(p[0] - c[0]) > 190 or abs(p[1] - c[1]) > 90 for c in centers):
                return p
    raise Failure("no empty spot on the canvas")


def add_dense(app):
    """Drags a Dense layer from the palette onto empty canvas; returns the editor's state."""
    app.key("alt+2")
    state = wait_for("the Model page", lambda: (lambda s: s if s.get("editor") else None)(app.state()))
    editor = state["editor"]
    check("Dense" in editor["palette"], "the palette shows Dense")
    app.drag(editor["palette"]["Dense"], empty_spot(editor))
    return app.state()


def answer_chooser(app, title, path):
    """Types PATH into the file chooser titled TITLE once it is there, and accepts it."""
    wait_for("the “%s” chooser" % title, lambda: any(d["title"] == title
                                                    for d in app.dump()["dialogs"]), timeout=10)
    app.key("ctrl+a")
    app.type(path)
    app.key("Return")


def save_as(app, path):
    """Answers the file chooser that Save opens for an untitled project."""
    answer_chooser(app, "Save Project", path)
    wait_for("the project file", lambda: os.path.exists(path), timeout=10)


def new_example(strata, home, folder):
    """The Fashion-MNIST example in HOME/FOLDER, made by the CLI: the folder and the project."""
    workdir = os.path.join(home, folder)
    subprocess.run([strata, "new", "--example", "fashion-mnist", workdir], check=True,
                   capture_output=True)
    return workdir, os.path.join(workdir, "fashion-mnist.strata")


def scroll_into_view(app, point_of, bottom_margin=60):
    """Scrolls the page under the pointer until point_of(state) is on the screen."""
    for i in range(40):
        state = app.state()
        point = point_of(state)
        height = state["widgets"]["window"][3]
        if point is not None and 80 < point[1] < height - bottom_margin:
            # the page may still be gliding from the last wheel step: wait until it stands
            time.sleep(0.5)
            again = point_of(app.state())
            if again == point:
                return point
            continue
        # without --sync: it waits for a motion that never comes when the pointer is there
        xdotool("mousemove", *app.screen((700, 500 + i % 2)))
        xdotool("click", "5" if point is None or point[1] > height / 2 else "4")
        time.sleep(0.15)
    raise Failure("could not scroll to the widget")


def run_scenarios(scenarios, first=1):
    """Runs each (function, what) of SCENARIOS, numbered from FIRST, printing TAP; with
    STRATA_UI_ONLY=3,5 in the environment only those, when working on them."""
    only = {int(n) for n in os.environ.get("STRATA_UI_ONLY", "").split(",") if n}
    for number, (scenario, what) in enumerate(scenarios, start=first):
        if only and number not in only:
            print("ok %d - %s # SKIP not in STRATA_UI_ONLY" % (number, what))
            continue
        scenario()
        print("ok %d - %s" % (number, what))


def clean_home(home, outdir):
    """Copies the apps' logs from HOME to OUTDIR, when there is one, and removes HOME."""
    if outdir:
        for log in os.listdir(home):
            if log.endswith(".log"):
                shutil.copy(os.path.join(home, log), outdir)
    shutil.rmtree(home, ignore_errors=True)


def main_under_xvfb(script, run, count, screen="1440x900", env=None):
    """The test program's main(): re-runs SCRIPT under its own Xvfb of SCREEN (with ENV
    added, e.g. a colour scheme or a language), then calls run(strata, outdir) there and
    prints TAP for COUNT scenarios. Exit 77 without xvfb-run or xdotool."""
    if len(sys.argv) < 2:
        print(sys.modules["__main__"].__doc__)
        return 2
    strata = os.path.abspath(sys.argv[1])
    outdir = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "--inner" else ""
    if "--inner" not in sys.argv:
        if not shutil.which("xvfb-run") or not shutil.which("xdotool"):
            print("1..0 # SKIP xvfb-run or xdotool is not installed")
            return 77
        environment = dict(os.environ, GDK_BACKEND="x11", NO_AT_BRIDGE="1",
                           GSETTINGS_BACKEND="memory", ADW_DEBUG_COLOR_SCHEME="prefer-light",
                           LANGUAGE="en", LC_ALL="C.UTF-8")
        environment.update(env or {})
        args = [sys.executable, os.path.abspath(script), strata] + ([outdir] if outdir else [])
        # -noreset: the server stays as it is between the apps, never regenerates
        with tempfile.NamedTemporaryFile(prefix="strata-xvfb-", suffix=".log") as xvfb_log:
            status = subprocess.run(["xvfb-run", "-a", "-e", xvfb_log.name,
                                     "-s", f"-screen 0 {screen}x24 -noreset", *args, "--inner"],
                                    env=environment).returncode
            if status != 0:
                for line in xvfb_log.read().decode(errors="replace").splitlines()[-20:]:
                    print("# Xvfb: " + line)
        return status
    print("1..%d" % count)
    try:
        run(strata, outdir)
    except Failure as e:
        print(f"not ok - {e}")
        if outdir:
            subprocess.run(["import", "-window", "root", os.path.join(outdir, "ui-failure.png")])
        return 1
    return 0
