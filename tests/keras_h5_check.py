#!/usr/bin/python3
# keras_h5_check.py: does a Keras full-model .h5 load as tf.keras 2.13 would load it?
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: keras_h5_check.py MODEL.h5 [--golden MODEL_CONFIG.json] [--npz WEIGHTS.npz]
#
# There is no TensorFlow in Debian 12, so this re-does, with h5py, what
# keras.models.load_model(path, compile=False) does with a legacy .h5 in tf.keras 2.13
# (keras/saving/legacy/hdf5_format.py and keras/engine/functional.py at v2.13.1):
#
# 1. the root attributes: keras_version, backend, model_config as strings (variable-length,
#    or any form h5py hands back as str/bytes, which Keras accepts with its hasattr(decode));
# 2. model_config: {"class_name": "Functional", "config": {name, trainable, layers,
#    input_layers, output_layers}} with every layer as Functional.get_config() writes it:
#    class_name, config, name, inbound_nodes [[[layer, 0, 0, {}], ...]], each config with
#    exactly the keys (in order) that the class's get_config() has in 2.13;
# 3. the model Keras rebuilds from that config: its layers in the order of
#    _map_graph_network (by depth from the output, ties by the depth-first walk), every
#    output shape, and so the shape every weight must have;
# 4. load_weights_from_hdf5_group: layer_names (whole or split into layer_names0, 1, …),
#    the layers with non-empty weight_names matched by position to the model's layers with
#    weights, the counts and every weight's shape checked, as batch_set_value would.
#
# --golden compares model_config with a golden copy; --npz writes the loaded weights (keyed
# "layer/weight") for the caller to compare. Exit status: 0 good, 1 problems, 77 no h5py.

import argparse
import json
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit(77)

BASE = ["name", "trainable", "dtype"]
INIT = ["module", "class_name", "config", "registered_name"]
CONV = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
        "activation", "use_bias", "kernel_initializer", "bias_initializer",
        "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
        "bias_constraint"]
KEYS = {
    "InputLayer": ["batch_input_shape", "dtype", "sparse", "ragged", "name"],
    "Conv2D": BASE + CONV,
    "DepthwiseConv2D": BASE + [k for k in CONV if k not in ("filters", "kernel_initializer",
                                                            "kernel_regularizer",
                                                            "kernel_constraint")]
    + ["depth_multiplier", "depthwise_initializer", "depthwise_regularizer",
       "depthwise_constraint"],
    "Dense": BASE + ["units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                     "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                     "kernel_constraint", "bias_constraint"],
    "BatchNormalization": BASE + ["axis", "momentum", "epsilon", "center", "scale",
                                  "beta_initializer", "gamma_initializer",
                                  "moving_mean_initializer", "moving_variance_initializer",
                                  "beta_regularizer", "gamma_regularizer", "beta_constraint",
                                  "gamma_constraint"],
    "Dropout": BASE + ["rate", "noise_shape", "seed"],
    "Flatten": BASE + ["data_format"],
    "MaxPooling2D": BASE + ["pool_size", "padding", "strides", "data_format"],
    "AveragePooling2D": BASE + ["pool_size", "padding", "strides", "data_format"],
    "GlobalAveragePooling2D": BASE + ["data_format", "keepdims"],
    "GlobalMaxPooling2D": BASE + ["data_format", "keepdims"],
    "ZeroPadding2D": BASE + ["padding", "data_format"],
    "Add": BASE,
    "Concatenate": BASE + ["axis"],
    "Activation": BASE + ["activation"],
    "ReLU": BASE + ["max_value", "negative_slope", "threshold"],
    "LeakyReLU": BASE + ["alpha"],
}
ACTIVATIONS = {"linear", "relu", "elu", "sigmoid", "tanh", "swish", "softmax"}
INITIALIZERS = {"GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform",
                "LecunNormal", "Zeros", "Ones"}

problems = []


def problem(text):
    problems.append(text)
    print("PROBLEM:", text)


def as_str(value):
    return value.decode("utf-8") if hasattr(value, "decode") else value


def names_attr(group, name):
    """load_attributes_from_hdf5_group."""
    if name in group.attrs:
        return [as_str(n) for n in group.attrs[name]]
    data, i = [], 0
    while "%s%d" % (name, i) in group.attrs:
        data.extend(as_str(n) for n in group.attrs["%s%d" % (name, i)])
        i += 1
    return data


def check_string_attr(obj, name):
    if name not in obj.attrs:
        problem("attribute %s missing" % name)
        return None
    dtype = obj.attrs.get_id(name).dtype
    info = h5py.check_string_dtype(dtype)
    if info is None:
        problem("attribute %s is not a string (%s)" % (name, dtype))
    elif info.length is not None:
        problem("attribute %s is a fixed-length string, want variable-length" % name)
    return as_str(obj.attrs[name])


def check_initializer(layer, key, value):
    if not isinstance(value, dict) or list(value) != INIT:
        problem("%s.%s is not a tf.keras 2.13 initializer: %r" % (layer, key, value))
        return
    if value["module"] != "keras.initializers" or value["class_name"] not in INITIALIZERS:
        problem("%s.%s: unknown initializer %r" % (layer, key, value))
    seeded = value["class_name"] not in ("Zeros", "Ones")
    if value["config"] != ({"seed": None} if seeded else {}):
        problem("%s.%s config %r" % (layer, key, value["config"]))


def check_layer(entry):
    keys = ["class_name", "config", "name", "inbound_nodes"]
    if list(entry) != keys:
        problem("layer entry keys %s, want %s" % (list(entry), keys))
        return
    kind, cfg, name = entry["class_name"], entry["config"], entry["name"]
    if kind not in KEYS:
        problem("layer %s: class %s is not one the export writes" % (name, kind))
        return
    if list(cfg) != KEYS[kind]:
        problem("layer %s (%s): config keys %s, want %s" % (name, kind, list(cfg), KEYS[kind]))
    if cfg.get("name") != name:
        problem("layer %s: config name %r" % (name, cfg.get("name")))
    if kind != "InputLayer" and (cfg.get("dtype") != "float32" or
                                 not isinstance(cfg.get("trainable"), bool)):
        problem("layer %s: dtype/trainable %r %r" % (name, cfg.get("dtype"), cfg.get("trainable")))
    for key, value in cfg.items():
        if key.endswith("_initializer"):
            check_initializer(name, key, value)
        if (key.endswith("_regularizer") or key.endswith("_constraint")) and value is not None:
            problem("layer %s: %s should be null" % (name, key))
    if "activation" in cfg and cfg["activation"] not in ACTIVATIONS:
        problem("layer %s: activation %r unknown to tf.keras 2.13" % (name, cfg["activation"]))
    if "data_format" in cfg and cfg["data_format"] != "channels_last":
        problem("layer %s: data_format %r" % (name, cfg["data_format"]))
    for key in ("kernel_size", "strides", "dilation_rate", "pool_size"):
        if key in cfg and (not isinstance(cfg[key], list) or len(cfg[key]) != 2):
            problem("layer %s: %s %r is not a pair" % (name, key, cfg[key]))
    nodes = entry["inbound_nodes"]
    if kind == "InputLayer":
        if nodes != []:
            problem("input layer %s has inbound nodes" % name)
    elif (not isinstance(nodes, list) or len(nodes) != 1 or not nodes[0] or
          any(not isinstance(ref, list) or len(ref) != 4 or ref[1:] != [0, 0, {}]
              for ref in nodes[0])):
        problem("layer %s: inbound_nodes %r not in the [[[name, 0, 0, {}], …]] form"
                % (name, nodes))


def rebuilt_order(layers, outputs):
    """Functional._map_graph_network: the order of model.layers after load_model."""
    by_name = {entry["name"]: entry for entry in layers}
    inputs_of = {name: [ref[0] for ref in (entry["inbound_nodes"][0]
                                           if entry["inbound_nodes"] else [])]
                 for name, entry in by_name.items()}
    finished, in_progress, order, index = set(), set(), [], {}

    def visit(name):
        if name in finished:
            return
        if name in in_progress:
            raise ValueError("cycle at %s" % name)
        index.setdefault(name, len(index))
        in_progress.add(name)
        for parent in inputs_of[name]:
            visit(parent)
        finished.add(name)
        in_progress.discard(name)
        order.append(name)

    for out in outputs:
        visit(out[0])
    depth = {}
    for name in reversed(order):
        d = depth.setdefault(name, 0)
        for parent in inputs_of[name]:
            depth[parent] = max(d + 1, depth.get(parent, 0))
    return sorted(order, key=lambda n: (-depth[n], index[n]))


def window(size, k, s, d, padding):
    if padding == "same":
        return -(-size // s)
    return (size - (k - 1) * d - 1) // s + 1


def infer_shapes(layers, order):
    """Output shapes (without the batch) and expected weight shapes, in model order."""
    by_name = {entry["name"]: entry for entry in layers}
    shapes, weights = {}, []
    for name in order:
        entry = by_name[name]
        kind, cfg = entry["class_name"], entry["config"]
        ins = [shapes[ref[0]] for ref in (entry["inbound_nodes"][0]
                                          if entry["inbound_nodes"] else [])]
        x = ins[0] if ins else None
        w = []
        if kind == "InputLayer":
            y = tuple(cfg["batch_input_shape"][1:])
        elif kind in ("Conv2D", "DepthwiseConv2D"):
            kh, kw = cfg["kernel_size"]
            oh = window(x[0], kh, cfg["strides"][0], cfg["dilation_rate"][0], cfg["padding"])
            ow = window(x[1], kw, cfg["strides"][1], cfg["dilation_rate"][1], cfg["padding"])
            if kind == "Conv2D":
                out = cfg["filters"]
                w = [("kernel", (kh, kw, x[2], out))]
            else:
                out = x[2] * cfg["depth_multiplier"]
                w = [("depthwise_kernel", (kh, kw, x[2], cfg["depth_multiplier"]))]
            if cfg["use_bias"]:
                w.append(("bias", (out,)))
            y = (oh, ow, out)
        elif kind == "Dense":
            w = [("kernel", (x[-1], cfg["units"]))] + ([("bias", (cfg["units"],))]
                                                        if cfg["use_bias"] else [])
            y = x[:-1] + (cfg["units"],)
        elif kind == "BatchNormalization":
            if cfg["axis"] != [len(x)]:
                problem("layer %s: axis %r for a rank-%d input" % (name, cfg["axis"], len(x)))
            c = (x[-1],)
            w = ([("gamma", c)] if cfg["scale"] else []) + ([("beta", c)] if cfg["center"]
                                                            else [])
            w += [("moving_mean", c), ("moving_variance", c)]
            y = x
        elif kind == "Flatten":
            y = (int(np.prod(x)),)
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            (ph, pw), (sh, sw) = cfg["pool_size"], cfg["strides"]
            y = (window(x[0], ph, sh, 1, cfg["padding"]), window(x[1], pw, sw, 1, cfg["padding"]),
                 x[2])
        elif kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
            y = (x[2],)
        elif kind == "ZeroPadding2D":
            (t, b), (l, r) = cfg["padding"]
            y = (x[0] + t + b, x[1] + l + r, x[2])
        elif kind == "Concatenate":
            y = x[:-1] + (sum(s[-1] for s in ins),)
        else:
            if kind == "Add" and any(s != x for s in ins):
                problem("layer %s adds shapes %s" % (name, ins))
            y = x
        shapes[name] = y
        if w:
            weights.append((name, w))
    return shapes, weights


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--golden")
    parser.add_argument("--npz")
    args = parser.parse_args()

    f = h5py.File(args.path, "r")
    version = check_string_attr(f, "keras_version")
    backend = check_string_attr(f, "backend")
    text = check_string_attr(f, "model_config")
    if "training_config" in f.attrs:
        problem("a training_config is present; the export has none")
    if version is None or not version.startswith("2.") or backend != "tensorflow":
        problem("keras_version %r backend %r" % (version, backend))
    model_config = json.loads(text)
    if args.golden:
        with open(args.golden) as g:
            golden = json.load(g)
        if model_config != golden:
            problem("model_config differs from the golden copy %s" % args.golden)
            print(json.dumps(model_config, indent=1))

    if list(model_config) != ["class_name", "config"] or model_config["class_name"] != "Functional":
        problem("model_config is not a Functional model: %s" % list(model_config))
    config = model_config["config"]
    if list(config) != ["name", "trainable", "layers", "input_layers", "output_layers"]:
        problem("model config keys %s" % list(config))
    layers = config["layers"]
    for entry in layers:
        check_layer(entry)
    names = [entry["name"] for entry in layers]
    if len(set(names)) != len(names):
        problem("layer names are not unique")
    for key in ("input_layers", "output_layers"):
        refs = config[key]
        if (len(refs) != 1 or len(refs[0]) != 3 or refs[0][0] not in names or
                refs[0][1:] != [0, 0]):
            problem("%s %r" % (key, refs))
    if problems:
        return 1

    order = rebuilt_order(layers, config["output_layers"])
    if order != names:
        problem("a rebuilt model orders its layers %s, the config %s" % (order, names))
    shapes, expected = infer_shapes(layers, order)

    group = f["model_weights"]
    for attr in ("backend", "keras_version"):
        check_string_attr(group, attr)
    layer_names = names_attr(group, "layer_names")
    if layer_names != order:
        problem("layer_names %s differ from the model's layers %s" % (layer_names, order))
    saved = [n for n in layer_names if names_attr(group[n], "weight_names")]
    if len(saved) != len(expected):
        problem("Layer count mismatch: model expects %d layers with weights, the file has %d"
                % (len(expected), len(saved)))
        return 1
    loaded = {}
    for k, (name, (layer, wanted)) in enumerate(zip(saved, expected)):
        weight_names = names_attr(group[name], "weight_names")
        if len(weight_names) != len(wanted):
            problem("Weight count mismatch for layer #%d (%s): %d saved, %d expected"
                    % (k, layer, len(weight_names), len(wanted)))
            continue
        for weight_name, (short, shape) in zip(weight_names, wanted):
            data = group[name][weight_name]
            if data.dtype != np.float32:
                problem("%s is %s" % (weight_name, data.dtype))
            if tuple(data.shape) != tuple(shape):
                problem("%s has shape %s, layer %s wants %s" % (weight_name, data.shape, layer,
                                                               shape))
            if weight_name != "%s/%s:0" % (layer, short):
                problem("weight name %s, tf.keras writes %s/%s:0" % (weight_name, layer, short))
            loaded["%s/%s" % (layer, short)] = np.asarray(data)
    if "top_level_model_weights" in group and names_attr(group["top_level_model_weights"],
                                                         "weight_names"):
        problem("top-level weights where the model has none")
    if args.npz:
        np.savez(args.npz, **loaded)
    print("%s: %d layers, %d with weights, %d arrays; Keras %s"
          % (args.path, len(layers), len(saved), len(loaded), version))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
