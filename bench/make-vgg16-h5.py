#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Keras VGG16-size weights file (model.save_weights layout, 138 M float32, 553 MB).

make-vgg16-h5.py PATH, for bench-h5-load. The values are random: only the size and the layout
matter, as in keras.applications.VGG16's vgg16_weights_tf_dim_ordering_tf_kernels.h5.
Exits 77 without h5py.
"""

import sys

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit(77)

CONV = [("block1", [64, 64]), ("block2", [128, 128]), ("block3", [256, 256, 256]),
        ("block4", [512, 512, 512]), ("block5", [512, 512, 512])]


def layers():
    yield "input_1", []
    channels = 3
    for block, widths in CONV:
        for i, width in enumerate(widths):
            yield "%s_conv%d" % (block, i + 1), [(3, 3, channels, width), (width,)]
            channels = width
        yield block + "_pool", []
    yield "flatten", []
    yield "fc1", [(7 * 7 * 512, 4096), (4096,)]
    yield "fc2", [(4096, 4096), (4096,)]
    yield "predictions", [(4096, 1000), (1000,)]


def main(path):
    rng = np.random.default_rng(16)
    utf8 = h5py.string_dtype("utf-8")
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.11.0"
        f.attrs["backend"] = "tensorflow"
        all_layers = list(layers())
        f.attrs["layer_names"] = np.array([n for n, _ in all_layers], dtype=utf8)
        for name, shapes in all_layers:
            group = f.create_group(name)
            names = ["%s/%s:0" % (name, w) for w in ("kernel", "bias")[:len(shapes)]]
            group.attrs["weight_names"] = np.array(names, dtype=utf8)
            for weight_name, shape in zip(names, shapes):
                group.create_dataset(weight_name,
                                     data=rng.standard_normal(shape, dtype="f4") * 0.01)


if __name__ == "__main__":
    main(sys.argv[1])
