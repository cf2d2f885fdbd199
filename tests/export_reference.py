#!/usr/bin/python3
# export_reference.py: an exported model, rebuilt by test.py, against Strata's own outputs
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: export_reference.py DIR TEST_PY
#
# DIR holds config.json, model.h5, model.safetensors, input.npy (NHWC batch) and probs.npy
# (Strata's probabilities for it). The network test.py builds from config.json must give
# the same probabilities with the weights from model.h5 (h5py, Keras layouts) and from
# model.safetensors (PyTorch names), and the safetensors must load into its parameters
# with nothing missing or left over. Exit status: 0 agree, 1 not, 77 torch or h5py missing.

import importlib.util
import json
import os
import sys

try:
    import h5py  # noqa: F401
    import numpy as np
    import torch
except ImportError:
    sys.exit(77)

DIR, TEST_PY = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("strata_test_py", TEST_PY)
test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(test)

with open(os.path.join(DIR, "config.json")) as f:
    config = json.load(f)
x = torch.from_numpy(np.load(os.path.join(DIR, "input.npy")))
want = np.load(os.path.join(DIR, "probs.npy"))
run = test.build_torch(config)
failures = 0

sources = {
    "model.h5": test.read_h5(os.path.join(DIR, "model.h5"), config["layers"]),
    "model.safetensors": test.read_safetensors(os.path.join(DIR, "model.safetensors"))[0],
}
expected = {w["torch"] for layer in config["layers"] for w in layer["weights"]}
for name, tensors in sources.items():
    floats = {k for k, v in tensors.items() if v.dtype != np.int64}
    if floats != expected:
        print("%s: names %s, config %s" % (name, sorted(floats), sorted(expected)))
        failures += 1
        continue
    params = {k: torch.from_numpy(np.ascontiguousarray(v, np.float32))
              for k, v in tensors.items() if v.dtype != np.int64}
    with torch.no_grad():
        got = run(x, params).numpy()
    error = float(np.abs(got - want).max())
    same_top = bool((got.argmax(1) == want.argmax(1)).all())
    ok = error <= 1e-4 and same_top
    print("%-18s max difference %.3g, top-1 %s  %s" % (name, error, "same" if same_top else
                                                       "DIFFERENT", "ok" if ok else "FAIL"))
    failures += not ok
sys.exit(1 if failures else 0)
