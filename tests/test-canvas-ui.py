#!/usr/bin/env python3
# test-canvas-ui.py: the Model page's canvas under a person's pointer, at 1280×800, under Xvfb
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the real app on the Fashion-MNIST example and does with the pointer what a person
# does with it, at each widget's on-screen position (from the app's SIGUSR1 dump), never with
# the widget's shortcut:
#
#   first view  the whole example fits on the Model page at 1280×800, its node text at least
#               9 px high (zoomed out, the nodes show their titles only)
#   toolbar     every canvas toolbar button clicked: Zoom In, Zoom Out, Reset Zoom (the minimap
#               then shows and a click on it scrolls), Show Whole Model, Add Layer (its menu
#               opens), Undo, Redo of a Dense layer dragged from the palette
#   modified    an edit undone to the end leaves the project unmodified again
#   refusal     a link that would make a loop, drawn port to port, is refused with the reason
#               shown over the graph
#   pretrained  a VGG16 layer from the palette: its weights named for a person, its trainable
#               share with a unit, moved by a click on the slider
#
# usage: test-canvas-ui.py STRATA [OUTDIR]   (exit 77, skipped, without xvfb-run or xdotool)

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strata_window import *  # noqa: E402,F401,F403  App, check, wait_for and the helpers

MIN_TEXT_PX = 9


def editor_of(app):
    return wait_for("the Model page", lambda: app.state().get("editor"), timeout=10)


def model_page(app):
    app.key("alt+2")
    return editor_of(app)


def glide_click(app, point):
    """Moves onto POINT from a little way off, as a hand does, then clicks."""
    x, y = app.screen(point)
    for i in range(8, 0, -1):
        xdotool("mousemove", x + 5 * i, y + 4 * i)
        time.sleep(0.02)
    app.click_at(point)


def click_tool(app, action):
    """Clicks the canvas toolbar's button for ACTION where it is drawn; returns the editor."""
    toolbar = editor_of(app)["toolbar"]
    check(action in toolbar, "the toolbar shows its %s button" % action)
    check(toolbar[action][4], "the %s button is sensitive" % action)
    glide_click(app, toolbar[action][:2])
    time.sleep(0.4)   # the zoom glides
    return editor_of(app)


def inside(editor, node):
    x, y, w, h = editor["canvas"]
    (left, top), (right, bottom) = node["top_left"], node["bottom_right"]
    return left >= x and top >= y and right <= x + w and bottom <= y + h


def test_first_view(app, outdir):
    editor = model_page(app)
    time.sleep(0.5)
    editor = editor_of(app)
    outside = [n for n, node in editor["nodes"].items() if not inside(editor, node)]
    check(not outside, "the whole example is on the screen at first (zoom %.2f), not %s"
          % (editor["zoom"], ", ".join(outside)))
    check(editor["text_px"] >= MIN_TEXT_PX,
          "node text is legible at the first view: %.1f px at zoom %.2f"
          % (editor["text_px"], editor["zoom"]))
    app.screenshot(outdir, "canvas-first-view")
    return editor


def test_toolbar(app, outdir):
    fitted = editor_of(app)
    zoom = fitted["zoom"]

    editor = click_tool(app, "zoom-in")
    check(editor["zoom"] > zoom * 1.05, "a click on Zoom In zooms in: %.2f → %.2f"
          % (zoom, editor["zoom"]))
    zoomed = editor["zoom"]
    editor = click_tool(app, "zoom-out")
    check(editor["zoom"] < zoomed * 0.95, "a click on Zoom Out zooms out: %.2f → %.2f"
          % (zoomed, editor["zoom"]))
    editor = click_tool(app, "zoom-reset")
    check(abs(editor["zoom"] - 1.0) < 1e-6, "a click on the zoom level resets it to 100 %%: %.2f"
          % editor["zoom"])
    check(not editor["compact"] and editor["text_px"] >= MIN_TEXT_PX,
          "at 100 %% the nodes show every line (%.1f px)" % editor["text_px"])
    app.screenshot(outdir, "canvas-100")

    # at 100 % the example is taller than the view: the minimap shows, and takes its clicks
    check("minimap" in editor, "the minimap is shown while part of the graph is out of view")
    before = editor["nodes"]["input"]["center"]
    mx, my = editor["minimap"]
    glide_click(app, (mx, my + 30))
    editor = editor_of(app)
    check(editor["nodes"]["input"]["center"][1] < before[1] - 20,
          "a click low on the minimap scrolls the view down: %s → %s"
          % (before, editor["nodes"]["input"]["center"]))
    editor = click_tool(app, "fit")
    check(abs(editor["zoom"] - zoom) < 0.02, "Show Whole Model fits the graph again: %.2f, %.2f"
          % (editor["zoom"], zoom))

    # zoomed far out, what text there is stays legible
    for _ in range(3):
        editor = click_tool(app, "zoom-out")
    check(editor["compact"], "far out (%.2f) the nodes show their titles only" % editor["zoom"])
    check(editor["text_px"] >= MIN_TEXT_PX, "and no text is smaller than %d px: %.1f"
          % (MIN_TEXT_PX, editor["text_px"]))
    app.screenshot(outdir, "canvas-zoomed-out")
    editor = click_tool(app, "fit")

    # Add Layer opens the add menu; typing picks a layer and Return adds it
    n = len(editor["graph"]["nodes"])
    check(not editor["modified"], "the example is unmodified so far")
    click_tool(app, "add-node")
    wait_for("the add menu", lambda: "StrataGraphAddPopover" in app.state()["focus"], timeout=10)
    app.screenshot(outdir, "canvas-add-menu")
    app.key("Escape")
    wait_for("the add menu to close", lambda: "StrataGraphAddPopover" not in app.state()["focus"],
             timeout=10)
    editor = editor_of(app)
    check(len(editor["graph"]["nodes"]) == n and not editor["modified"],
          "Escape closes the add menu, adding nothing")

    editor = add_dense(app)["editor"]
    check(len(editor["graph"]["nodes"]) == n + 1 and editor["modified"],
          "a Dense layer dragged from the palette is added")
    editor = click_tool(app, "undo")
    check(len(editor["graph"]["nodes"]) == n, "a click on Undo takes the layer back")
    editor = click_tool(app, "redo")
    check(len(editor["graph"]["nodes"]) == n + 1, "a click on Redo brings it back")
    editor = click_tool(app, "undo")
    check(len(editor["graph"]["nodes"]) == n, "and Undo again takes it back")
    app.screenshot(outdir, "canvas-toolbar")


def test_modified(app):
    state = wait_for("the unmodified project", lambda: (lambda s: s if not s["modified"] else None)(app.state()), timeout=5)
    check(not state["modified"] and "•" not in state["title"],
          "every edit undone: the project is unmodified again (%s)" % state["title"])
    # an edit left in place keeps it modified
    state = add_dense(app)
    check(state["modified"], "a new layer marks it modified")
    click_tool(app, "undo")
    check(not app.state()["modified"], "and undoing it clears the mark again")


def test_refusal(app, outdir):
    click_tool(app, "fit")
    time.sleep(1.0)   # the view glides to the fit
    editor = editor_of(app)
    graph = editor["graph"]
    links = links_of(graph)
    # from the flatten layer's output back up to the first layer's input: a loop
    first = next(l[1] for l in links if l[0] == "input")
    start, end = editor["nodes"]["flatten"]["output"], editor["nodes"][first]["inputs"][0]
    (x0, y0), (x1, y1) = app.screen(start), app.screen(end)
    xdotool("mousemove", x0 + 20, y0 + 20)
    time.sleep(0.1)
    xdotool("mousemove", "--sync", x0, y0)
    time.sleep(0.2)
    xdotool("mousedown", "1")
    time.sleep(0.3)
    for i in range(1, 31):
        xdotool("mousemove", x0 + (x1 - x0) * i // 30, y0 + (y1 - y0) * i // 30)
        time.sleep(0.02)
    time.sleep(0.3)
    editor = editor_of(app)
    app.screenshot(outdir, "canvas-refusal-hint")
    check(editor["notice"] and "loop" in editor["notice"],
          "over the refused port, the drag says why: %s" % editor["notice"])
    xdotool("mouseup", "1")
    time.sleep(0.5)
    editor = editor_of(app)
    app.screenshot(outdir, "canvas-refusal")
    check(links_of(editor["graph"]) == links, "the loop is not made")
    check(editor["notice"] and "loop" in editor["notice"],
          "and once let go, the canvas says why: %s" % editor["notice"])


def test_pretrained(app, outdir):
    """A VGG16 backbone dragged from the palette: its inspector, and its slider by pointer."""
    editor = editor_of(app)
    app.drag(editor["palette"]["VGG16"], empty_spot(editor))
    editor = wait_for("the VGG16 layer", lambda: (lambda e: e if "vgg16" in e["nodes"] else None)(editor_of(app)))
    time.sleep(1.0)   # the inspector slides to the new layer
    editor = editor_of(app)
    shows = editor["inspector_shows"]
    check(shows.get("weights") == "ImageNet (Keras)",
          "the weights are named for a person, not by their id: %s" % shows.get("weights"))
    check(shows.get("percent_label") == "0 %", "the share has its unit: %r"
          % shows.get("percent_label"))
    check(shows["weights_subtitle"] != "All frozen" or not shows["trainable"] or
          "frozen" in shows["trainable_subtitle"],
          "the Trainable switch does not contradict “All frozen”: %s" % shows["trainable_subtitle"])
    app.screenshot(outdir, "canvas-pretrained")

    # a click on the slider's track, a quarter of the way along, moves the share there
    field = editor["inspector"]["trainable_percent"]
    glide_click(app, field)
    shows = wait_for("the new share", lambda: (lambda s: s if s.get("trainable_percent", 0) > 0 else None)(editor_of(app)["inspector_shows"]))
    share = round(shows["trainable_percent"])
    check(10 <= share <= 40, "the click moved the share to about a quarter: %d" % share)
    check(shows["percent_label"] == "%d %%" % share, "and the label follows: %r"
          % shows["percent_label"])
    app.screenshot(outdir, "canvas-pretrained-share")


def run(strata, outdir):
    home = tempfile.mkdtemp(prefix="strata-canvas-ui-")
    try:
        _, project = new_example(strata, home, "canvas")
        app = App(strata, home, args=[project])
        try:
            test_first_view(app, outdir)
            print("ok 1 - the whole example fits the first view, its text legible")
            test_toolbar(app, outdir)
            print("ok 2 - every toolbar button and the minimap answer a click")
            test_modified(app)
            print("ok 3 - an edit undone to the end leaves the project unmodified")
            test_refusal(app, outdir)
            print("ok 4 - a link that would make a loop is refused, and the canvas says why")
            test_pretrained(app, outdir)
            print("ok 5 - a pretrained layer's inspector: named weights, its share in %, the slider")
            app.key("ctrl+w")
            app.click_dialog_button("Save Changes?", "Discard")
            app.wait_exit("the window did not close")
        finally:
            app.finish()
    finally:
        clean_home(home, outdir)


if __name__ == "__main__":
    sys.exit(main_under_xvfb(__file__, run, 5, screen="1280x800"))
