#!/usr/bin/env python3
# test-graph-editor-ui.py: the graph editor in a real window, driven like a user would
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts strata-graph-editor-demo under Xvfb and uses xdotool's real pointer and keyboard
# events: drag a Dense layer from the palette onto the canvas, wire it by dragging from a
# port to a port, undo and redo, pull a link off its input, move the node, delete it and
# bring it back, then close the window and check the graph it saved. Between steps the demo
# is sent SIGUSR1 and writes where everything is on screen plus the graph, so the test
# checks the model a user's actions produced, not pixels.
#
# usage: test-graph-editor-ui.py DEMO [OUTDIR]   (exit 77, skipped, without xvfb-run/xdotool)

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

WINDOW_TITLE = "Strata Graph Editor Demo"
SCREEN = "1440x900"


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strata_window import Failure, check, xdotool  # noqa: E402


class Demo:
    def __init__(self, path, workdir):
        self.save_path = os.path.join(workdir, "saved.json")
        self.dump_path = os.path.join(workdir, "layout.json")
        self.log = open(os.path.join(workdir, "demo.log"), "w")
        self.proc = subprocess.Popen([path, "--save", self.save_path, "--dump", self.dump_path,
                                      "--size", "1400x860"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.origin = self._find_window()

    def _find_window(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            check(self.proc.poll() is None, "the demo exited at start")
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", WINDOW_TITLE],
                                   capture_output=True, text=True).stdout.split()
            if found:
                self.window = found[0]
                geometry = dict(line.split("=", 1) for line in
                                xdotool("getwindowgeometry", "--shell", self.window).split())
                time.sleep(1.5)   # first layout and fit
                return int(geometry["X"]), int(geometry["Y"])
            time.sleep(0.2)
        raise Failure("the demo window did not appear")

    def layout(self):
        """Where everything is now, and the graph, as the demo reports on SIGUSR1."""
        if os.path.exists(self.dump_path):
            os.unlink(self.dump_path)
        time.sleep(0.3)   # let the last events settle
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.time() + 10
        while time.time() < deadline:
            if os.path.exists(self.dump_path):
                with open(self.dump_path) as f:
                    return json.load(f)
            time.sleep(0.05)
        raise Failure("the demo did not write its layout")

    def screen(self, point):
        return round(self.origin[0] + point[0]), round(self.origin[1] + point[1])

    def drag(self, start, end, steps=25, hold=0.15):
        """Press at start, move there in steps as a hand would, release at end."""
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
        time.sleep(0.3)

    def click(self, point):
        xdotool("mousemove", "--sync", *self.screen(point))
        xdotool("click", "1")
        time.sleep(0.2)

    def key(self, *keys):
        for k in keys:
            xdotool("key", k)
            time.sleep(0.2)

    def close(self):
        self.key("ctrl+w")
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("the demo did not quit on Ctrl+W")
        self.log.close()


def node_of(graph, node_id):
    return next((n for n in graph["nodes"] if n["id"] == node_id), None)


def links_of(graph):
    return {(l["from"], l["to"], l["port"]) for l in graph["links"]}


def empty_spot(layout, canvas):
    """A point on the canvas well away from every node."""
    x, y, w, h = canvas
    centers = [n["center"] for n in layout["nodes"].values()]
    for fx in (0.8, 0.7, 0.25, 0.15):
        for fy in (0.35, 0.5, 0.25, 0.65):
            p = (x + w * fx, y + h * fy)
            if all(abs(p[0] - c[0]) > 190 or abs(p[1] - c[1]) > 90 for c in centers):
                return p
    raise Failure("no empty spot on the canvas")


def run(demo_path, outdir):
    workdir = tempfile.mkdtemp(prefix="strata-ui-")
    demo = Demo(demo_path, workdir)
    try:
        layout = demo.layout()
        graph = layout["graph"]
        check(len(graph["nodes"]) == 10, "the example has 10 layers")
        check(len(graph["links"]) == 9, "the example has 9 links")
        check("Dense" in layout["palette"], "the palette shows Dense")
        before_links = links_of(graph)

        # 1. Drag Dense from the palette onto empty canvas.
        drop = empty_spot(layout, layout["canvas"])
        demo.drag(layout["palette"]["Dense"], drop, steps=30, hold=0.25)
        layout = demo.layout()
        graph = layout["graph"]
        new = node_of(graph, "dense_2")
        check(new is not None and new["type"] == "Dense",
              "dropping Dense on the canvas adds a Dense layer named dense_2")
        check(len(graph["nodes"]) == 11, "exactly one layer was added")
        check(links_of(graph) == before_links, "the new layer is not linked yet")
        center = layout["nodes"]["dense_2"]["center"]
        check(abs(center[0] - drop[0]) < 40 and abs(center[1] - drop[1]) < 40,
              "the layer lands where it was dropped")
        check(layout["selection"] == ["dense_2"], "the new layer is selected")
        check(layout["modified"], "the editor reports a modification")
        if outdir:
            subprocess.run(["import", "-window", "root", os.path.join(outdir, "ui-1-dropped.png")])

        # 2. Connect flatten's output to the new layer's input, port to port.
        flatten_out = layout["nodes"]["flatten"]["output"]
        dense_in = layout["nodes"]["dense_2"]["inputs"][0]
        demo.drag(flatten_out, dense_in)
        layout = demo.layout()
        graph = layout["graph"]
        check(("flatten", "dense_2", 0) in links_of(graph), "dragging port to port links them")
        check(len(graph["links"]) == 10, "one link was added, none replaced")
        if outdir:
            subprocess.run(["import", "-window", "root", os.path.join(outdir, "ui-2-linked.png")])

        # 3. Undo takes the link back; the layer stays.
        demo.key("ctrl+z")
        graph = demo.layout()["graph"]
        check(("flatten", "dense_2", 0) not in links_of(graph), "Ctrl+Z removes the link")
        check(node_of(graph, "dense_2") is not None, "…and only the link")
        demo.key("ctrl+shift+z")
        graph = demo.layout()["graph"]
        check(("flatten", "dense_2", 0) in links_of(graph), "Shift+Ctrl+Z brings it back")

        # 4. Pull the link off the input onto empty canvas: it goes; undo restores it.
        layout = demo.layout()
        demo.drag(layout["nodes"]["dense_2"]["inputs"][0], empty_spot(layout, layout["canvas"]))
        graph = demo.layout()["graph"]
        check(("flatten", "dense_2", 0) not in links_of(graph), "dragging a link off detaches it")
        demo.key("ctrl+z")
        graph = demo.layout()["graph"]
        check(("flatten", "dense_2", 0) in links_of(graph), "undo reattaches it")

        # 5. Move the layer: the whole drag is one undo step.
        layout = demo.layout()
        before = node_of(layout["graph"], "dense_2")["position"]
        c = layout["nodes"]["dense_2"]["center"]
        # pressed at the card's middle: zoomed out, its top edge is within reach of the port
        demo.drag((c[0], c[1]), (c[0] + 90, c[1] + 50), steps=20)
        layout = demo.layout()
        moved = node_of(layout["graph"], "dense_2")["position"]
        zoom = layout["zoom"]
        check(abs((moved[0] - before[0]) * zoom - 90) < 3 and abs((moved[1] - before[1]) * zoom - 50) < 3,
              "dragging the layer moves it with the pointer")
        demo.key("ctrl+z")
        check(node_of(demo.layout()["graph"], "dense_2")["position"] == before,
              "one undo puts it back where the drag started")
        demo.key("ctrl+shift+z")
        check(node_of(demo.layout()["graph"], "dense_2")["position"] == moved, "redo moves it again")

        # 6. Delete with the keyboard, then undo: the layer and its link return.
        layout = demo.layout()
        demo.click(layout["nodes"]["dense_2"]["center"])
        demo.key("Delete")
        graph = demo.layout()["graph"]
        check(node_of(graph, "dense_2") is None, "Delete removes the selected layer")
        check(all("dense_2" not in (a, b) for a, b, _ in links_of(graph)), "…with its links")
        demo.key("ctrl+z")
        graph = demo.layout()["graph"]
        check(node_of(graph, "dense_2") is not None and
              ("flatten", "dense_2", 0) in links_of(graph), "undo restores layer and link")
        if outdir:
            subprocess.run(["import", "-window", "root", os.path.join(outdir, "ui-3-final.png")])

        # 7. Let a link from dense_2's output go on empty canvas: the add menu opens there;
        #    typing filters it and Enter adds a Dropout already linked.
        layout = demo.layout()
        spot = empty_spot(layout, layout["canvas"])
        demo.drag(layout["nodes"]["dense_2"]["output"], spot)
        time.sleep(0.5)
        xdotool("type", "--delay", "60", "dropout")
        time.sleep(0.6)
        demo.key("Return")
        layout = demo.layout()
        graph = layout["graph"]
        check(node_of(graph, "dropout_2") is not None and node_of(graph, "dropout_2")["type"] == "Dropout",
              "the add menu from a dropped link adds the chosen layer")
        check(("dense_2", "dropout_2", 0) in links_of(graph), "…linked to where the link came from")
        check(layout["selection"] == ["dropout_2"], "…and selected")
        if outdir:
            subprocess.run(["import", "-window", "root", os.path.join(outdir, "ui-4-added.png")])

        # 8. The inspector edits the selected layer; Ctrl+Z in the field undoes the model edit.
        rate = layout["inspector"].get("rate")
        check(rate is not None, "the inspector shows the Dropout's rate")
        demo.click(rate)
        demo.key("ctrl+a")
        xdotool("type", "0.3")
        demo.key("Return")
        graph = demo.layout()["graph"]
        check(abs(node_of(graph, "dropout_2")["params"]["rate"] - 0.3) < 1e-9,
              "typing a rate in the inspector sets it")
        demo.key("ctrl+z")
        graph = demo.layout()["graph"]
        check(node_of(graph, "dropout_2")["params"]["rate"] == 0.5, "Ctrl+Z there restores it")

        # 9. Keyboard wiring: detach dense_2 → dropout_2, select both, press J.
        layout = demo.layout()
        demo.drag(layout["nodes"]["dropout_2"]["inputs"][0], empty_spot(layout, layout["canvas"]))
        check(("dense_2", "dropout_2", 0) not in links_of(demo.layout()["graph"]), "detached")
        layout = demo.layout()
        demo.click(layout["nodes"]["dense_2"]["center"])
        xdotool("keydown", "shift")
        demo.click(layout["nodes"]["dropout_2"]["center"])
        xdotool("keyup", "shift")
        demo.key("j")
        graph = demo.layout()["graph"]
        check(("dense_2", "dropout_2", 0) in links_of(graph), "J links the selected layers")

        # 10. Close: the demo saves; the file holds what the user built.
        demo.close()
        with open(demo.save_path) as f:
            saved = json.load(f)
        check(len(saved["nodes"]) == 12, "the saved model has the 12 layers")
        check(links_of(saved) == before_links | {("flatten", "dense_2", 0), ("dense_2", "dropout_2", 0)},
              "the saved model has the example's links plus flatten → dense_2 → dropout_2")
        check(node_of(saved, "dense_2")["position"] == moved, "and the layer where it was moved")
        check(node_of(saved, "dense_2")["params"]["units"] == 128, "with Dense's default units")
        check(node_of(saved, "dropout_2")["params"]["rate"] == 0.5, "and the rate as undone")
    finally:
        if demo.proc.poll() is None:
            demo.proc.kill()
            demo.proc.wait()
        if not demo.log.closed:
            demo.log.close()
        with open(os.path.join(workdir, "demo.log")) as f:
            log = f.read()
        shutil.rmtree(workdir, ignore_errors=True)
        # A warning or critical from GTK or from us is a bug, whatever the graph says.
        bad = [l for l in log.splitlines() if ("CRITICAL" in l or "WARNING" in l) and
               "session bus" not in l and "dbus" not in l.lower()]
        check(not bad, "the demo logged problems:\n" + "\n".join(bad))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    demo = sys.argv[1]
    outdir = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "--inner" else ""
    if "--inner" not in sys.argv:
        if not shutil.which("xvfb-run") or not shutil.which("xdotool"):
            print("1..0 # SKIP xvfb-run or xdotool is not installed")
            return 77
        env = dict(os.environ, GDK_BACKEND="x11", ADW_DEBUG_COLOR_SCHEME="prefer-light",
                   NO_AT_BRIDGE="1")
        args = [sys.executable, os.path.abspath(__file__), demo] + ([outdir] if outdir else [])
        return subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}x24 -noreset", *args,
                               "--inner"], env=env).returncode
    try:
        run(demo, outdir)
    except Failure as e:
        print(f"not ok - {e}")
        return 1
    print("ok - palette drop, port-to-port link, undo/redo, detach, move, delete, add menu, "
          "inspector edit, keyboard link, save")
    return 0


if __name__ == "__main__":
    sys.exit(main())
