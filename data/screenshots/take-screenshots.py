#!/usr/bin/env python3
# take-screenshots.py: every page of Strata, light and dark, in English and Simplified Chinese
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: take-screenshots.py BUILDDIR OUTDIR [--size=WxH] [--only=LANG-STYLE]
#
# Run it under a display (take-screenshots.sh starts Xvfb). It builds a small demo project the
# way a user would have it: 4,000 Fashion-MNIST pictures written out as a folder of class
# folders, the example network, two runs trained with different learning rates (through the
# strata CLI, a minute or so) and the first run evaluated on its test images. Then it opens
# the window for each language and style, goes through the pages with the keyboard (Alt+1…6),
# starts a third run to catch the Training page live, classifies a few pictures on the
# Inference page, and saves OUTDIR/PAGE-STYLE-LANG.png, cropped to the window.
#
# Needs xdotool, ImageMagick's import, fonts-cantarell and fonts-noto-cjk (for 中文), and
# localedef (glibc) to make the zh_CN.UTF-8 locale in a private folder.

import gzip
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

CLASSES = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]
PAGES = ["data", "model", "hyperparameters", "training", "results", "inference"]
# the image chooser's title and button, as translated
CHOOSE_TITLE = {"en": "Choose Images", "zh_CN": "选择图像"}
CLASSIFY = {"en": "Classify", "zh_CN": "分类(C)"}


def run(*args, **kwargs):
    return subprocess.run([*map(str, args)], check=True, **kwargs)


def xdotool(*args):
    return subprocess.run(["xdotool", *map(str, args)], capture_output=True, text=True).stdout


def png(path, width, height, gray):
    """A grayscale PNG, written without any imaging library."""
    rows = b"".join(b"\0" + gray[y * width:(y + 1) * width] for y in range(height))
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 9)))
        f.write(chunk(b"IEND", b""))


def write_images(fmnist, folder, count):
    with gzip.open(os.path.join(fmnist, "train-images-idx3-ubyte.gz")) as f:
        images = f.read()[16:]
    with gzip.open(os.path.join(fmnist, "train-labels-idx1-ubyte.gz")) as f:
        labels = f.read()[8:]
    for name in CLASSES:
        os.makedirs(os.path.join(folder, name), exist_ok=True)
    for i in range(count):
        name = CLASSES[labels[i]]
        png(os.path.join(folder, name, "%05d.png" % i), 28, 28, images[i * 784:(i + 1) * 784])


def make_project(strata, workdir):
    fmnist = os.environ.get("STRATA_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
    images = os.path.join(workdir, "Clothes", "images")
    write_images(fmnist, images, 4000)
    os.makedirs(os.path.join(workdir, "to-classify"))
    # a few pictures to classify, outside the dataset
    with gzip.open(os.path.join(fmnist, "t10k-images-idx3-ubyte.gz")) as f:
        test = f.read()[16:]
    for i in range(4):
        png(os.path.join(workdir, "to-classify", "photo-%d.png" % (i + 1)), 28, 28,
            test[i * 784:(i + 1) * 784])

    run(strata, "new", "--example", "fashion-mnist", os.path.join(workdir, "tmp"),
        stdout=subprocess.DEVNULL)
    with open(os.path.join(workdir, "tmp", "fashion-mnist.strata")) as f:
        project = json.load(f)
    project["dataset"].update(source_kind="folder", source_path="images", validation_fraction=0.1,
                              test_fraction=0.1, cache_mode="memory")
    project["hyperparameters"].update(epochs=8)
    # the Output layer takes its class names from the folders
    for node in project["model"]["nodes"]:
        if node["type"] == "Output":
            node.setdefault("params", {})["classes"] = []
    path = os.path.join(workdir, "Clothes", "clothes.strata")
    with open(path, "w") as f:
        json.dump(project, f, indent=2)

    run(strata, "train", path, "--run", "run-1", "--epochs", "6", stdout=subprocess.DEVNULL)
    run(strata, "train", path, "--run", "run-2", "--epochs", "6", "--lr", "0.003",
        stdout=subprocess.DEVNULL)
    run(strata, "evaluate", path, "--run", "run-2", stdout=subprocess.DEVNULL)
    return path


class Window:
    def __init__(self, strata, home, project, env):
        self.dump_path = os.path.join(home, "dump.json")
        environment = dict(os.environ, **env, HOME=home, STRATA_TEST_DUMP=self.dump_path,
                           XDG_DATA_HOME=os.path.join(home, "data"),
                           XDG_CONFIG_HOME=os.path.join(home, "config"))
        self.log = open(os.path.join(home, "app.log"), "a")
        self.proc = subprocess.Popen([strata, project], env=environment, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.window = None
        for _ in range(150):
            found = xdotool("search", "--onlyvisible", "--pid", self.proc.pid).split()
            if found:
                self.window = found[0]
                break
            time.sleep(0.2)
        if self.window is None:
            raise SystemExit("the window did not appear")
        time.sleep(2.5)

    def state(self):
        if os.path.exists(self.dump_path):
            os.unlink(self.dump_path)
        self.proc.send_signal(signal.SIGUSR1)
        for _ in range(100):
            if os.path.exists(self.dump_path):
                with open(self.dump_path) as f:
                    return json.load(f)
            time.sleep(0.05)
        raise SystemExit("no state from the app")

    def key(self, *keys):
        for k in keys:
            xdotool("key", k)
            time.sleep(0.4)

    def click(self, x, y):
        xdotool("mousemove", "--sync", round(x), round(y))
        time.sleep(0.1)
        xdotool("click", "1")
        time.sleep(0.5)

    def click_dialog_button(self, title, label):
        """Clicks a button of a dialog; without a window manager it sits at the screen's corner."""
        dialog = None
        for i in range(40):
            xdotool("mousemove", 5 + i % 2, 5)
            time.sleep(0.25)
            found = next((d for d in self.state()["dialogs"] if d["title"] == title), None)
            if found and found == dialog:
                break
            dialog = found
        if dialog and label in dialog["buttons"]:
            self.click(*dialog["buttons"][label][:2])

    def shot(self, path):
        # park the pointer where it hovers nothing
        xdotool("mousemove", 1, 1)
        time.sleep(0.6)
        run("import", "-window", self.window, path)

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def take(strata, home, project, outdir, language, style, size):
    # a fresh copy of the project each time: the Training page adds a run
    source = os.path.dirname(project)
    copy = source + "-" + language + "-" + style
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy)
    project = os.path.join(copy, os.path.basename(project))
    settings = os.path.join(home, "config", "glib-2.0", "settings")
    os.makedirs(settings, exist_ok=True)
    with open(os.path.join(settings, "keyfile"), "w") as f:
        f.write("[org/strata/Strata]\ncolor-scheme='%s'\nwindow-width=%d\nwindow-height=%d\n"
                % (style, size[0], size[1]))
    env = {"GDK_BACKEND": "x11", "NO_AT_BRIDGE": "1", "GSETTINGS_BACKEND": "keyfile"}
    if language == "en":
        env.update(LANG="en_US.UTF-8", LANGUAGE="en")
    else:
        env.update(LANG="zh_CN.UTF-8", LANGUAGE="zh_CN")
    suffix = "%s-%s" % (style, language)
    window = Window(strata, home, project, env)
    try:
        for number, page in enumerate(PAGES, start=1):
            window.key("alt+%d" % number)
            time.sleep(1.0)
            if page in ("data", "hyperparameters", "training", "inference"):
                # a click on the page's margin: pointer focus draws no keyboard focus ring
                geometry = window.state()["windows"][0]["widgets"]["window"]
                window.click(6, geometry[3] / 2)
            if page == "model":
                editor = window.state()["windows"][0].get("editor")
                if editor and "dense" in editor["nodes"]:
                    window.click(*editor["nodes"]["dense"]["center"])
            if page == "training":
                # a third run, caught after a few epochs, for live curves
                window.key("F5")
                for _ in range(240):
                    t = window.state()["windows"][0]["training"]
                    if t["epoch"] >= 4 and t["running"] and t["loss_points"] > 100:
                        break
                    time.sleep(0.5)
                time.sleep(2)
                window.shot(os.path.join(outdir, "%s-%s.png" % (page, suffix)))
                window.key("shift+F5")
                for _ in range(60):
                    if not window.state()["windows"][0]["training"]["running"]:
                        break
                    time.sleep(0.5)
                continue
            if page == "inference":
                folder = os.path.join(os.path.dirname(copy), "to-classify")
                buttons = window.state()["windows"][0]["widgets"]
                if "inference-choose" in buttons:
                    window.click(*buttons["inference-choose"][:2])
                    time.sleep(1.5)
                    xdotool("type", "--delay", "10", folder + "/")
                    time.sleep(0.5)
                    window.key("Return")
                    time.sleep(1.0)
                    window.key("Down", "ctrl+a")
                    window.click_dialog_button(CHOOSE_TITLE[language], CLASSIFY[language])
                    time.sleep(5)
            window.shot(os.path.join(outdir, "%s-%s.png" % (page, suffix)))
    finally:
        window.close()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__ if __doc__ else "usage: take-screenshots.py BUILDDIR OUTDIR")
        return 2
    builddir, outdir = map(os.path.abspath, args)
    only = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")), None)
    size = next((tuple(map(int, a.split("=", 1)[1].split("x"))) for a in sys.argv
                 if a.startswith("--size=")), (1280, 800))
    strata = os.path.join(builddir, "app", "strata")
    os.makedirs(outdir, exist_ok=True)

    work = tempfile.mkdtemp(prefix="strata-screenshots-")
    try:
        locales = os.path.join(work, "locale")
        os.makedirs(locales)
        for loc in ("en_US", "zh_CN"):
            run("localedef", "-i", loc, "-f", "UTF-8", os.path.join(locales, loc + ".UTF-8"))
        os.environ.update(LOCPATH=locales, STRATA_LOCALEDIR=os.path.join(builddir, "po"))

        home = os.path.join(work, "home")
        os.makedirs(os.path.join(home, "config", "gtk-4.0"))
        with open(os.path.join(home, "config", "gtk-4.0", "settings.ini"), "w") as f:
            # what GNOME sets; Xvfb has no settings daemon to say it
            f.write("[Settings]\ngtk-font-name=Cantarell 11\ngtk-hint-font-metrics=true\n")
        project = make_project(strata, work)
        for language in ("en", "zh_CN"):
            for style in ("light", "dark"):
                if only and "%s-%s" % (language, style) not in only.split(","):
                    continue
                take(strata, home, project, outdir, language, style, size)
                print("took the %s %s screenshots" % (language, style))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
