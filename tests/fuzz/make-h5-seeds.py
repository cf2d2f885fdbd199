#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpus of fuzz-keras-h5 and fuzz-weights-probe: small Keras-style .h5
files in the string styles h5py has written (fixed-length, variable-length, chunked layer
lists, full-model files) and with the layer names the probe looks for.

make-h5-seeds.py [FOLDER]   (default: corpus/fuzz-keras-h5 beside this script)
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras_h5_fixtures  # noqa: E402


def write_named(path, names, libver):
    """One small weight per layer, names as the ResNet50 variant probe reads them."""
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["layer_names"] = keras_h5_fixtures.strings(names, "vlen")
        for name in names:
            group = f.create_group(name)
            group.attrs["weight_names"] = keras_h5_fixtures.strings([name + "/kernel:0"], "vlen")
            group.create_dataset(name + "/kernel:0", data=np.arange(4, dtype="f4"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "fuzz-keras-h5")
    os.makedirs(folder, exist_ok=True)
    out = lambda name: os.path.join(folder, name)
    # the newest file format keeps them small; the legacy seed has the oldest
    keras_h5_fixtures.write_good(out("vlen.h5"), libver="latest")
    keras_h5_fixtures.write_good(out("fixed.h5"), style="fixed", libver="latest")
    keras_h5_fixtures.write_good(out("full-model.h5"), full_model=True, chunked_names=True,
                                 libver="latest")
    write_named(out("resnet50-keras.h5"), ["conv1_conv", "conv1_bn"], "latest")
    write_named(out("resnet50-legacy.h5"), ["conv1", "bn_conv1"], "earliest")


if __name__ == "__main__":
    main()
