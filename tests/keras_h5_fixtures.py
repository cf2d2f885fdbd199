#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keras-style .h5 weights files for test-keras-h5, good and damaged, made with h5py.

keras_h5_fixtures.py FOLDER writes them there; exits 77 without h5py. Every weight holds
arange(n) * 0.5 + the layer's index, so the C test can check the values it reads.
tests/fuzz/make-h5-seeds.py uses write_good() for the fuzz targets' seeds.
"""

import os
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit(77)

LAYERS = [("conv1", [(3, 3, 3, 4), (4,)]), ("flatten", []), ("dense/top", [(36, 2), (2,)])]


def values(layer, shape):
    return (np.arange(int(np.prod(shape)), dtype="f8") * 0.5 + layer).reshape(shape)


def strings(names, style):
    """Names as each h5py version wrote them: fixed-length bytes (< 2.10) or vlen UTF-8."""
    if style == "fixed":
        width = max([1] + [len(n) for n in names])
        return np.array([n.encode() for n in names], dtype="S%d" % width)
    return np.array(names, dtype=h5py.string_dtype("utf-8"))


def write_good(path, style="vlen", full_model=False, chunked_names=False, dtype="f4",
               libver=None):
    with h5py.File(path, "w", libver=libver) as f:
        root = f.create_group("model_weights") if full_model else f
        root.attrs["keras_version"] = "2.11.0"
        root.attrs["backend"] = "tensorflow"
        names = [name for name, _ in LAYERS]
        if chunked_names:
            root.attrs["layer_names0"] = strings(names[:2], style)
            root.attrs["layer_names1"] = strings(names[2:], style)
        else:
            root.attrs["layer_names"] = strings(names, style)
        for index, (name, shapes) in enumerate(LAYERS):
            group = root.create_group(name)
            weight_names = ["%s/w%d:0" % (name.split("/")[-1], i) for i in range(len(shapes))]
            if weight_names:
                group.attrs["weight_names"] = strings(weight_names, style)
            else:
                # Keras 2.2 wrote an empty list as an empty float array
                group.attrs["weight_names"] = np.zeros((0,), "f4")
            for weight_name, shape in zip(weight_names, shapes):
                group.create_dataset(weight_name, data=values(index, shape).astype(dtype))


def global_heap_objects(data):
    """(offset of the size field, size) of each object in the file's first global heap."""
    start = data.find(b"GCOL")
    assert start >= 0, "no global heap"
    p, objects = start + 16, []
    while True:
        index = int.from_bytes(data[p:p + 2], "little")
        size = int.from_bytes(data[p + 8:p + 16], "little")
        if index == 0:
            return objects
        objects.append((p + 8, size))
        p += 16 + (size + 7) // 8 * 8


def damage_heap(src, dst, size):
    """Sets the stored size of the global-heap object that holds the first layer name."""
    data = bytearray(open(src, "rb").read())
    for field, _ in global_heap_objects(data):
        if data[field + 8:field + 8 + len(LAYERS[0][0])] == LAYERS[0][0].encode():
            data[field:field + 8] = size.to_bytes(8, "little")
            break
    else:
        raise AssertionError("the first layer name is not in the global heap")
    open(dst, "wb").write(data)


def main(folder):
    os.makedirs(folder, exist_ok=True)
    out = lambda name: os.path.join(folder, name)
    write_good(out("vlen.h5"))
    write_good(out("fixed.h5"), style="fixed")
    write_good(out("full-model.h5"), full_model=True, chunked_names=True)
    write_good(out("float64.h5"), dtype="f8")

    # libhdf5 1.10 reads past the heap block: a segmentation fault, a glibc abort, a hang
    damage_heap(out("vlen.h5"), out("heap-crash.h5"), 0x7FFFFFF0)
    damage_heap(out("vlen.h5"), out("heap-abort.h5"), 5000)
    damage_heap(out("vlen.h5"), out("heap-hang.h5"), 0xFFFFFFFFFFFFFFF0)

    with h5py.File(out("int-names.h5"), "w") as f:
        f.attrs["layer_names"] = np.arange(3, dtype="i4")
    with h5py.File(out("matrix-names.h5"), "w") as f:
        f.attrs["layer_names"] = np.array([[b"a", b"b"], [b"c", b"d"]], dtype="S1")
    with h5py.File(out("latin1-names.h5"), "w") as f:
        f.attrs["layer_names"] = np.array([b"caf\xe9"], dtype="S4")
    with h5py.File(out("text-weight.h5"), "w") as f:
        f.attrs["layer_names"] = strings(["dense"], "vlen")
        group = f.create_group("dense")
        group.attrs["weight_names"] = strings(["kernel:0"], "vlen")
        group.create_dataset("kernel:0", data=np.array([b"not", b"numbers"]))

    # cut inside the last weight's data
    data = open(out("vlen.h5"), "rb").read()
    open(out("truncated.h5"), "wb").write(data[:len(data) - 16])


if __name__ == "__main__":
    main(sys.argv[1])
