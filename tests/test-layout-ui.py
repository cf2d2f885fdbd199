#!/usr/bin/env python3
# test-layout-ui.py: every page of the Strata window fits at 800×600 and at 1280×800
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Under one Xvfb per screen size, in light and dark, in English and in Simplified Chinese,
# the app is sized to the whole screen and its six pages are walked by clicking the page
# switcher's buttons where they are drawn, then the welcome page with a recent project. On
# each page the app's dump of its mapped widget tree (STRATA_TEST_DUMP, SIGUSR1) must show:
#
#   - the window as large as the screen and no larger: its minimum size fits;
#   - every widget inside the window, or inside the nearest scrolling ancestor that clips it;
#   - no two visible children of a box or a grid overlapping;
#   - no label ellipsized, except those that ellipsize by design (ELLIPSIZE_OK);
#   - on the welcome page, the first recent project on screen without scrolling;
#   - on Results, the run list beside the figures at 1280 px, folded behind a button at 800.
#
# usage: test-layout-ui.py STRATA [OUTDIR]   (exit 77, skipped, without xvfb-run or xdotool)
#        With OUTDIR, a screenshot of every page of every combination is written there.

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strata_window import *  # noqa: E402,F401,F403  App, check, wait_for and the helpers

SIZES = ["800x600", "1280x800"]
SCHEMES = ["prefer-light", "prefer-dark"]
LANGUAGES = ["en", "zh_CN"]
PAGES = ["data", "model", "hyperparameters", "training", "results", "inference"]

# Containers whose children are laid out side by side, never on top of each other
SIDE_BY_SIDE = {"GtkBox", "GtkGrid", "GtkCenterBox", "GtkListBoxRow", "AdwActionRow"}
# Containers whose children may extend beyond them: they scroll, or pan (the model's canvas)
SCROLLING = {"GtkScrolledWindow", "GtkViewport", "StrataGraphCanvas"}
# Labels that may be cut short carry this CSS class (on them or an ancestor): a name or a path
# of any length that is said whole elsewhere, in a tooltip or a dialog. None needs it yet at
# these sizes: the header's project name has room.
ELLIPSIZE_OK_CLASSES = {"ellipsize-ok"}


def rect_inside(inner, outer, slack=1.0):
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return x >= ox - slack and y >= oy - slack and x + w <= ox + ow + slack and \
        y + h <= oy + oh + slack


def overlap(a, b, slack=1.0):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w > slack and h > slack


def describe(tree, i):
    path = []
    while i >= 0:
        node = tree[i]
        path.append(node["type"] + ("(%r)" % node["label"][:30] if "label" in node else ""))
        i = node["parent"]
    return " < ".join(path[:5])


def ancestors(tree, i):
    i = tree[i]["parent"]
    while i >= 0:
        yield i
        i = tree[i]["parent"]


def layout_problems(state, size):
    """What is wrong with the window's layout: a list of sentences, empty when it fits."""
    tree = state["tree"]
    problems = []
    width, height = size
    window = tree[0]["bounds"]
    if round(window[2]) != width or round(window[3]) != height:
        problems.append("the window is %dx%d on a %dx%d screen (it asks for at least %dx%d)" %
                        (window[2], window[3], width, height, *tree[0]["min"]))
    children = {}
    for i, node in enumerate(tree):
        children.setdefault(node["parent"], []).append(i)
    leaving = set()  # one report per widget: a box that leaves drags its children along
    for i, node in enumerate(tree[1:], 1):
        x, y, w, h = node["bounds"]
        if w <= 0 or h <= 0:
            continue
        # a scroller's child may extend beyond it: the scroller itself must fit
        inside_scroller = any(tree[a]["type"] in SCROLLING for a in ancestors(tree, i))
        if not inside_scroller and not rect_inside(node["bounds"], window) and \
                not any(a in leaving for a in ancestors(tree, i)):
            leaving.add(i)
            problems.append("%s at %s leaves the window" % (describe(tree, i),
                                                             [round(v) for v in node["bounds"]]))
        if node.get("ellipsized"):
            marked = any(c in ELLIPSIZE_OK_CLASSES for j in [i, *ancestors(tree, i)]
                         for c in tree[j]["classes"])
            if not marked:
                problems.append("%s is ellipsized" % describe(tree, i))
    for parent, kids in children.items():
        if parent < 0 or tree[parent]["type"] not in SIDE_BY_SIDE:
            continue
        shown = [k for k in kids if tree[k]["bounds"][2] > 0 and tree[k]["bounds"][3] > 0]
        for a in range(len(shown)):
            for b in range(a + 1, len(shown)):
                if overlap(tree[shown[a]]["bounds"], tree[shown[b]]["bounds"]):
                    problems.append("%s overlaps %s" % (describe(tree, shown[a]),
                                                        describe(tree, shown[b])))
    return problems


def switcher_buttons(state):
    """The page switcher's buttons that are drawn, in page order: header or bottom bar."""
    tree = state["tree"]
    buttons = [i for i, n in enumerate(tree) if n["type"] == "AdwViewSwitcherButton"
               and n["bounds"][2] > 0]
    return [tree[i]["bounds"] for i in buttons]


def fit_window(app, size):
    """Sizes the window to the screen, as a maximized window would be."""
    xdotool("windowmove", app.window, 0, 0)
    xdotool("windowsize", app.window, *size)
    app.origin = (0, 0)

    def settled():
        state = app.state()
        bounds = state["tree"][0]["bounds"]
        return state if (round(bounds[2]), round(bounds[3])) == tuple(size) else None

    try:
        wait_for("the window at %dx%d" % size, settled, timeout=5)
    except Failure:
        pass  # the check below says how large it stayed
    time.sleep(0.5)
    app.origin = app._origin()


def check_run_list(app, name, size):
    """The run list beside the figures when there is room, folded behind a button when not."""
    row, toggle = "results-run-first-run", "results-run-list-toggle"
    widgets = app.state()["widgets"]
    if size[0] >= 900:
        check(row in widgets and toggle not in widgets,
              "%s: the run list is beside the figures" % name)
        return
    check(row not in widgets and toggle in widgets,
          "%s: the run list is folded away, a button shows it" % name)
    app.click(toggle)
    widgets = wait_for("the run list", lambda: (lambda w: w if row in w else None)(
        app.state()["widgets"]), timeout=5)
    x, y, w, h = widgets[row]
    check(0 <= x - w / 2 and x + w / 2 <= size[0], "%s: the run list slides in whole" % name)
    time.sleep(0.5)  # the flap's animation
    app.click(row)
    wait_for("the run list to fold away again",
             lambda: row not in app.state()["widgets"], timeout=5)


def combination(strata, home, outdir, size, scheme, language, project):
    name = "%dx%d-%s-%s" % (size[0], size[1], scheme.replace("prefer-", ""), language)
    env = {"ADW_DEBUG_COLOR_SCHEME": scheme, "LANGUAGE": language,
           "STRATA_LOCALEDIR": localedir(strata)}
    if language != "en":
        env.update(LANG=language + ".UTF-8", LC_ALL=language + ".UTF-8")
    problems = []
    app = App(strata, home, args=[project], env=env, log_name="app-" + name)
    try:
        fit_window(app, size)
        for index, page in enumerate(PAGES):
            buttons = switcher_buttons(app.state())
            check(len(buttons) == len(PAGES), "%s: the page switcher shows %d buttons, not %d" %
                  (name, len(buttons), len(PAGES)))
            x, y, w, h = buttons[index]
            app.click_at((x + w / 2, y + h / 2))
            state = wait_for("the %s page" % page,
                             lambda: (lambda s: s if s.get("page") == page else None)(app.state()),
                             timeout=5)
            time.sleep(0.4)  # the page's own size requests settle after it is mapped
            state = app.state()
            app.screenshot(outdir, "layout-%s-%s" % (name, page))
            problems += ["%s, %s page: %s" % (name, page, p) for p in layout_problems(state, size)]
            if page == "results":
                check_run_list(app, name, size)
    finally:
        app.finish()

    # the welcome page, with the project just opened among the recent ones
    app = App(strata, home, env=env, log_name="app-welcome-" + name)
    try:
        fit_window(app, size)
        state = app.state()
        check(state["state"] == "welcome", "with no file the window shows the welcome page")
        app.screenshot(outdir, "layout-%s-welcome" % name)
        problems += ["%s, welcome page: %s" % (name, p) for p in layout_problems(state, size)]
        tree = state["tree"]
        rows = [i for i, n in enumerate(tree) if n["type"] == "AdwActionRow"]
        check(rows, "%s: the welcome page lists the recent project" % name)
        row = tree[rows[0]]["bounds"]
        check(row[1] + row[3] <= size[1],
              "%s: the recent project at y %d is below the window, shown only by scrolling" %
              (name, row[1]))
    finally:
        app.finish()
    return problems


def localedir(strata):
    """The build tree's translations: po/ beside app/, where meson builds the .mo files."""
    if os.environ.get("STRATA_LOCALEDIR"):
        return os.environ["STRATA_LOCALEDIR"]
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(strata))), "po")
    check(os.path.exists(os.path.join(path, "zh_CN", "LC_MESSAGES", "strata.mo")),
          "the built translations are in " + path)
    return path


def zh_locale(home):
    """A zh_CN.UTF-8 locale for LOCPATH when the system has none: the test needs no root."""
    have = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    if any(l.lower() in ("zh_cn.utf8", "zh_cn.utf-8") for l in have):
        return {}
    path = os.path.join(home, "locale")
    os.makedirs(os.path.join(path, "zh_CN.UTF-8"))
    result = subprocess.run(["localedef", "-i", "zh_CN", "-f", "UTF-8", "-c",
                             os.path.join(path, "zh_CN.UTF-8")], capture_output=True, text=True)
    check(os.path.exists(os.path.join(path, "zh_CN.UTF-8", "LC_CTYPE")),
          "could not make the zh_CN.UTF-8 locale: " + result.stderr)
    return {"LOCPATH": path}


def run(strata, outdir):
    size = tuple(int(v) for v in os.environ["STRATA_LAYOUT_SCREEN"].split("x"))
    home = tempfile.mkdtemp(prefix="strata-layout-")
    os.environ.update(zh_locale(home))
    _, project = new_example(strata, home, "example")
    # one short run, so that Results shows its run list and Training its plots
    with open(project) as f:
        saved = json.load(f)
    saved["dataset"]["max_train_per_class"] = 30
    saved["hyperparameters"]["epochs"] = 2
    with open(project, "w") as f:
        json.dump(saved, f)
    out = subprocess.run([strata, "train", project, "--run", "first-run"], capture_output=True,
                         text=True, timeout=120)
    check(out.returncode == 0, "strata train works: " + out.stderr)
    problems = []
    number = 0
    for scheme in SCHEMES:
        for language in LANGUAGES:
            number += 1
            found = combination(strata, home, outdir, size, scheme, language, project)
            name = "%dx%d %s %s" % (size[0], size[1], scheme, language)
            for p in found:
                print("# " + p)
            print("%s %d - %s" % ("ok" if not found else "not ok", number, name))
            problems += found
    check(not problems, "%d layout problems at %dx%d" % (len(problems), *size))


def main():
    if "--inner" in sys.argv:
        return main_under_xvfb(__file__, run, len(SCHEMES) * len(LANGUAGES))
    status = 0
    for screen in SIZES:
        result = main_under_xvfb(__file__, run, len(SCHEMES) * len(LANGUAGES), screen=screen,
                                 env={"STRATA_LAYOUT_SCREEN": screen})
        if result == 77:
            return 77
        status = status or result
    return status


if __name__ == "__main__":
    sys.exit(main())
