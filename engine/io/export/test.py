#!/usr/bin/env python3
# test.py: classify images with a model exported by Strata
#
# Usage: python3 test.py IMAGES_DIR_OR_CSV [--out predictions.csv]
#
# Reads config.json beside this file, builds the network and loads its weights (from
# model.h5 with h5py, or model.safetensors), prepares every image exactly as Strata did
# when it trained the model (decode, resize, normalise), and writes Filename,Label rows.
# When Keras is installed it runs model.h5 with keras.models.load_model() instead
# (--backend chooses). Needs numpy, plus PyTorch for the PyTorch backend and h5py for
# model.h5. Images are decoded with GdkPixbuf (python3-gi) when available, exactly as
# Strata decodes them, else with Pillow, which may differ by a grey level on JPEG files.
#
# Written by Strata; this file is free software: GPL-3.0-or-later or, at your option,
# any licence you like for the model you trained.

import argparse
import csv
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp",
                    ".ppm", ".pgm")
EXIT_MISSING = 3

try:
    import numpy as np
except ImportError:
    sys.stderr.write("test.py needs numpy (python3-numpy)\n")
    sys.exit(EXIT_MISSING)

F32 = np.float32
U64 = (1 << 64) - 1


# Strata's hashes and random numbers, for the noise that pads "fill" resizes --------------

def mix64(x):
    x ^= x >> 30
    x = (x * 0xbf58476d1ce4e5b9) & U64
    x ^= x >> 27
    x = (x * 0x94d049bb133111eb) & U64
    x ^= x >> 31
    return x


def _fold(a, b):
    r = a * b
    return (r & U64) ^ (r >> 64)


def hash_bytes(data, seed=0):
    k0, k1 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db
    size = len(data)
    h = mix64(seed ^ k0) ^ size
    i = 0
    rd = lambda o: int.from_bytes(data[o:o + 8], "little")
    if size >= 32:
        a, b, c, d = h, h ^ k1, (h + k0) & U64, (h - k1) & U64
        while i + 32 <= size:
            a = _fold(rd(i) ^ k1, a ^ k0)
            b = _fold(rd(i + 8) ^ k1, b ^ k0)
            c = _fold(rd(i + 16) ^ k1, c ^ k0)
            d = _fold(rd(i + 24) ^ k1, d ^ k0)
            i += 32
        h = _fold(a ^ b, k1) ^ _fold(c ^ d, k0)
    while i + 8 <= size:
        h = _fold(rd(i) ^ k1, h ^ k0)
        i += 8
    if i < size:
        tail = data[i:] + bytes(8 - (size - i))
        h = _fold(int.from_bytes(tail, "little") ^ k1, h ^ k0 ^ (size - i))
    return mix64(h)


def noise_bytes(key, n):
    """n values of StrataRandom keyed by key, each next() >> 56."""
    with np.errstate(over="ignore"):
        state = np.uint64(mix64(key ^ 0x5851f42d4c957f2d))
        steps = np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9e3779b97f4a7c15)
        x = state + steps
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xbf58476d1ce4e5b9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94d049bb133111eb)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(56)).astype(np.uint8)


# Decoding ---------------------------------------------------------------------------------

def shrink_factor(width, height, spec):
    best = float("inf")
    for turn in (0, 1):
        w, h = (height, width) if turn else (width, height)
        rx, ry = w / spec["width"], h / spec["height"]
        mode = spec["resize_mode"]
        if mode == "center-crop":
            r = min(rx, ry)
        elif mode == "fill":
            r = max(rx, ry)
        elif mode == "half-crop-half-fill":
            r = (rx + ry) / 2
        else:
            r = min(rx, ry)
        best = min(best, r)
    return best


def jpeg_denominator(width, height, spec):
    shrink = shrink_factor(width, height, spec)
    denom = 1
    while denom < 8 and shrink >= denom * 2:
        denom *= 2
    return denom


def _gdk_pixbuf():
    try:
        import gi
        gi.require_version("GdkPixbuf", "2.0")
        from gi.repository import GdkPixbuf
        return GdkPixbuf
    except Exception:
        return None


GdkPixbuf = _gdk_pixbuf()


def decode_gdk(data, name, spec):
    state = {}

    def size_prepared(loader, width, height):
        if width <= 0 or height <= 0 or width * height > spec["max_image_pixels"]:
            state["too_big"] = (width, height)
            loader.set_size(0, 0)
            return
        fmt = loader.get_format()
        if fmt is not None and fmt.get_name() == "jpeg":
            denom = jpeg_denominator(width, height, spec)
            if denom > 1:
                loader.set_size((width + denom - 1) // denom, (height + denom - 1) // denom)

    loader = GdkPixbuf.PixbufLoader()
    loader.connect("size-prepared", size_prepared)
    try:
        loader.write(data)
        loader.close()
    except Exception as e:
        if "too_big" in state:
            raise ValueError("%s is too large: %d × %d pixels" % ((name,) + state["too_big"]))
        raise ValueError("%s is not a readable image: %s" % (name, e))
    if "too_big" in state:
        raise ValueError("%s is too large: %d × %d pixels" % ((name,) + state["too_big"]))
    pixbuf = loader.get_pixbuf()
    if pixbuf is None:
        raise ValueError("%s is not a readable image" % name)
    pixbuf = pixbuf.apply_embedded_orientation() or pixbuf
    w, h, n = pixbuf.get_width(), pixbuf.get_height(), pixbuf.get_n_channels()
    stride = pixbuf.get_rowstride()
    raw = pixbuf.read_pixel_bytes().get_data()
    rows = [np.frombuffer(raw, np.uint8, w * n, y * stride) for y in range(h)]
    return np.stack(rows).reshape(h, w, n)


def decode_pil(path, name, spec):
    from PIL import Image, ImageOps
    image = Image.open(path)
    width, height = image.size
    if width * height > spec["max_image_pixels"]:
        raise ValueError("%s is too large: %d × %d pixels" % (name, width, height))
    if image.format == "JPEG":
        denom = jpeg_denominator(width, height, spec)
        if denom > 1:
            image.draft("RGB", (width // denom, height // denom))
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    return np.asarray(image)


def decode(path, name, spec):
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        raise ValueError("%s is empty" % name)
    if GdkPixbuf is not None:
        return decode_gdk(data, name, spec)
    return decode_pil(path, name, spec)


# Resizing: Strata's strata_image_resize(), operation for operation in float32 -------------

def make_taps(n_out, src_size, scale, lead, area):
    area = area and scale < 1.0
    max_taps = int(math.ceil(1.0 / scale)) + 2 if area else 2
    first = np.zeros(n_out, np.int64)
    count = np.zeros(n_out, np.int64)
    weights = np.zeros((n_out, max_taps), F32)
    for o in range(n_out):
        if area:
            lo = min(max((o + lead) / scale, 0), src_size)
            hi = min(max((o + 1 + lead) / scale, 0), src_size)
            i0 = int(math.floor(lo))
            i1 = min(int(math.ceil(hi)), src_size)
            if i1 <= i0:
                i0 = min(i0, src_size - 1)
                i1 = i0 + 1
            first[o] = i0
            count[o] = min(i1 - i0, max_taps)
            total = 0.0
            for k in range(count[o]):
                a, b = max(lo, i0 + k), min(hi, i0 + k + 1)
                weights[o, k] = F32(max(b - a, 0))
                total += float(weights[o, k])
            if total <= 0:
                weights[o, 0] = 1
                total = 1.0
            for k in range(count[o]):
                weights[o, k] = F32(float(weights[o, k]) / total)
        else:
            x = (o + 0.5 + lead) / scale - 0.5
            i0 = int(math.floor(x))
            f = F32(x - i0)
            if i0 < 0:
                i0, f = 0, F32(0)
            if i0 >= src_size - 1:
                i0, f = src_size - 1, F32(0)
            first[o] = i0
            count[o] = 2 if f > 0 else 1
            weights[o, 0] = F32(1) - f
            weights[o, 1] = f
    return first, count, weights


def load_rows(image, c_work):
    """The source as float rows with the working channels: 1 (ITU-R 601 luma) or 3."""
    if c_work == 1 and image.shape[2] == 1:
        return image[:, :, :1].astype(F32)
    if c_work == 1:
        rgb = image[:, :, :3].astype(F32)
        luma = rgb[:, :, 0] * F32(0.299) + rgb[:, :, 1] * F32(0.587)
        luma = luma + rgb[:, :, 2] * F32(0.114)
        return luma[:, :, None]
    return image[:, :, :3].astype(F32)


def to_u8(v):
    rounded = np.floor(v + F32(0.5))
    return np.where(v <= 0, 0, np.where(v >= 255, 255, rounded)).astype(np.uint8)


def apply_taps(src, first, count, weights, axis):
    """Sum of weights × taps along axis 0 (rows) or 1 (columns), in tap order."""
    size = src.shape[axis]
    acc = None
    for k in range(weights.shape[1]):
        index = np.minimum(first + k, size - 1)
        taps = src[index] if axis == 0 else src[:, index]
        w = np.where(k < count, weights[:, k], F32(0)).astype(F32)
        w = w[:, None, None] if axis == 0 else w[None, :, None]
        term = w * taps
        acc = term if acc is None else acc + term
    return acc


def resize(image, spec, pad_key):
    W, H, C = spec["width"], spec["height"], spec["channels"]
    mode, filt = spec["resize_mode"], spec["resize_filter"]
    sh, sw = image.shape[0], image.shape[1]
    c_work = 1 if (C == 1 or image.shape[2] == 1) else 3
    dst = np.zeros((H, W, C), np.uint8)

    def expand(values):
        return np.repeat(values, C, axis=2) if values.shape[2] != C else values

    if sw == W and sh == H:
        return expand(to_u8(load_rows(image, c_work)))

    rx, ry = sw / W, sh / H
    if mode == "squash":
        sx, sy, ox, oy = 1.0 / rx, 1.0 / ry, 0.0, 0.0
    else:
        s = {"center-crop": 1.0 / min(rx, ry), "fill": 1.0 / max(rx, ry),
             "half-crop-half-fill": 2.0 / (rx + ry)}[mode]
        sx = sy = s
        ox, oy = (W - sw * s) / 2.0, (H - sh * s) / 2.0

    clamp = lambda v, lo, hi: min(max(v, lo), hi)
    x0 = clamp(int(math.ceil(ox - 0.5)), 0, W)
    x1 = clamp(int(math.ceil(ox + sw * sx - 0.5)), x0, W)
    y0 = clamp(int(math.ceil(oy - 0.5)), 0, H)
    y1 = clamp(int(math.ceil(oy + sh * sy - 0.5)), y0, H)

    def use_area(scale):
        return filt == "area" or (filt == "auto" and scale < 0.5)

    if x1 > x0 and y1 > y0:
        hf, hc, hw = make_taps(x1 - x0, sw, sx, x0 - ox, use_area(sx))
        vf, vc, vw = make_taps(y1 - y0, sh, sy, y0 - oy, use_area(sy))
        rows = load_rows(image, c_work)
        row_lo, row_hi = vf[0], vf[-1] + vc[-1]
        tmp = apply_taps(rows[row_lo:row_hi], hf, hc, hw, 1)
        out = apply_taps(tmp, vf - row_lo, vc, vw, 0)
        dst[y0:y1, x0:x1] = expand(to_u8(out))

    if x0 > 0 or x1 < W or y0 > 0 or y1 < H:
        inside = np.zeros((H, W), bool)
        inside[y0:y1, x0:x1] = True
        n_pad = int((~inside).sum())
        dst[~inside] = noise_bytes(pad_key, n_pad * C).reshape(n_pad, C)
    return dst


def normalize(pixels, pre, channels):
    """Model values from 0..255 values: pixel × scale + offset, in float32."""
    scale = np.array(pre["scale"], F32)
    offset = np.array(pre["offset"], F32)
    pixels = pixels.astype(F32)
    if channels == 1:
        return pixels * scale[0] + offset[0]
    if pre["bgr"]:
        pixels = pixels[:, :, ::-1]
    return pixels * scale[None, None, :] + offset[None, None, :]


def preprocess(path, name, pre, input_spec):
    """An image file as the model sees it: HWC float32."""
    spec = dict(pre, width=input_spec["width"], height=input_spec["height"],
                channels=input_spec["channels"])
    image = decode(path, name, spec)
    key = hash_bytes(os.path.basename(path).encode("utf-8"))
    return normalize(resize(image, spec, key), pre, spec["channels"])


# Weights -----------------------------------------------------------------------------------

def read_safetensors(path):
    dtypes = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64,
              "I32": np.int32}
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[base + begin:base + end], dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors, header.get("__metadata__", {})


def h5_names(group, name):
    """Keras' load_attributes_from_hdf5_group: NAME, or NAME0, NAME1, … when split."""
    def decode(values):
        return [v.decode("utf8") if hasattr(v, "decode") else str(v) for v in values]
    if name in group.attrs:
        return decode(group.attrs[name])
    names, i = [], 0
    while "%s%d" % (name, i) in group.attrs:
        names.extend(decode(group.attrs["%s%d" % (name, i)]))
        i += 1
    return names


def keras_to_torch(array, class_name, weight):
    """A Keras array in PyTorch's layout."""
    if array.ndim == 4 and class_name == "DepthwiseConv2D":
        kh, kw, c, m = array.shape
        return array.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
    if array.ndim == 4:
        return array.transpose(3, 2, 0, 1)
    if array.ndim == 2:
        return array.T
    return array


def read_h5(path, layers):
    """Keras' load_weights_from_hdf5_group: layers with weights matched by position."""
    import h5py
    tensors = {}
    with h5py.File(path, "r") as f:
        group = f["model_weights"] if "model_weights" in f else f
        saved = [n for n in h5_names(group, "layer_names") if h5_names(group[n], "weight_names")]
        wanted = [layer for layer in layers if layer["weights"]]
        if len(saved) != len(wanted):
            raise ValueError("Layer count mismatch: the model has %d layers with weights, %s "
                             "has %d" % (len(wanted), path, len(saved)))
        for name, layer in zip(saved, wanted):
            names = h5_names(group[name], "weight_names")
            if len(names) != len(layer["weights"]):
                raise ValueError("Weight count mismatch for layer %s" % layer["name"])
            for weight_name, weight in zip(names, layer["weights"]):
                array = np.asarray(group[name][weight_name])
                tensors[weight["torch"]] = keras_to_torch(array, layer["class_name"], weight)
    return tensors


# The network in PyTorch, layer for layer with Keras' semantics ------------------------------

def build_torch(config):
    """run(x, params, training=False, logits=False): the network as a function.

    x is a float32 NHWC batch; params maps PyTorch names ("conv2d.weight",
    "batch_normalization.running_mean", …) to tensors. With training, dropout is on and
    BatchNormalization uses the batch's statistics and updates its running ones in place
    (Keras' momentum m is PyTorch's 1 - m). With logits, a softmax that ends the model is
    left out, for a loss computed from logits."""
    import torch
    import torch.nn.functional as F

    def same_pad(x, kernel, stride, dilation, value=0.0):
        pads = []
        for size, k, s, d in zip(x.shape[2:], kernel, stride, dilation):
            out = -(-size // s)
            total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
            pads.append((total // 2, total - total // 2))
        return F.pad(x, (pads[1][0], pads[1][1], pads[0][0], pads[0][1]), value=value)

    def activate(x, name):
        if name in (None, "linear"):
            return x
        if name == "relu":
            return F.relu(x)
        if name == "elu":
            return F.elu(x)
        if name == "sigmoid":
            return torch.sigmoid(x)
        if name == "tanh":
            return torch.tanh(x)
        if name == "swish":
            return x * torch.sigmoid(x)
        if name == "softmax":
            return F.softmax(x, dim=1)
        raise ValueError("unknown activation %s" % name)

    layers = config["layers"]
    output = config["output"]

    def run(x_nhwc, params, training=False, logits=False):
        values = {}
        for layer in layers:
            cfg, kind = layer["config"], layer["class_name"]
            w = {weight["keras_name"]: params[weight["torch"]] for weight in layer["weights"]}
            inputs = [values[name] for name in layer["inputs"]]
            x = inputs[0] if inputs else None
            activation = cfg.get("activation")
            if logits and layer["name"] == output and activation == "softmax":
                activation = "linear"
            if kind == "InputLayer":
                y = x_nhwc.permute(0, 3, 1, 2)
            elif kind in ("Conv2D", "DepthwiseConv2D"):
                kernel = w["depthwise_kernel"] if kind == "DepthwiseConv2D" else w["kernel"]
                if cfg["padding"] == "same":
                    x = same_pad(x, cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"])
                y = F.conv2d(x, kernel, w.get("bias"), stride=tuple(cfg["strides"]),
                             dilation=tuple(cfg["dilation_rate"]),
                             groups=x.shape[1] if kind == "DepthwiseConv2D" else 1)
                y = activate(y, activation)
            elif kind == "Dense":
                y = activate(F.linear(x, w["kernel"], w.get("bias")), activation)
            elif kind == "BatchNormalization":
                # a frozen BatchNormalization runs in inference mode, as in Keras 2
                y = F.batch_norm(x, w["moving_mean"], w["moving_variance"], w.get("gamma"),
                                 w.get("beta"), training=training and cfg["trainable"],
                                 momentum=1.0 - cfg["momentum"], eps=cfg["epsilon"])
            elif kind == "Dropout":
                y = F.dropout(x, cfg["rate"], training=training)
            elif kind == "Flatten":
                # Keras flattens height, width, channels
                y = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1) if x.dim() == 4 else x
            elif kind in ("MaxPooling2D", "AveragePooling2D"):
                k, s = tuple(cfg["pool_size"]), tuple(cfg["strides"])
                if kind == "MaxPooling2D":
                    if cfg["padding"] == "same":
                        x = same_pad(x, k, s, (1, 1), value=-math.inf)
                    y = F.max_pool2d(x, k, s)
                elif cfg["padding"] == "same":
                    # the average counts only the values inside the image
                    total = F.avg_pool2d(same_pad(x, k, s, (1, 1)), k, s)
                    count = F.avg_pool2d(same_pad(torch.ones_like(x[:1, :1]), k, s, (1, 1)),
                                         k, s)
                    y = total / count
                else:
                    y = F.avg_pool2d(x, k, s)
            elif kind == "GlobalAveragePooling2D":
                y = x.mean(dim=(2, 3))
            elif kind == "GlobalMaxPooling2D":
                y = x.amax(dim=(2, 3))
            elif kind == "ZeroPadding2D":
                (top, bottom), (left, right) = cfg["padding"]
                y = F.pad(x, (left, right, top, bottom))
            elif kind == "Add":
                y = inputs[0]
                for other in inputs[1:]:
                    y = y + other
            elif kind == "Concatenate":
                y = torch.cat(inputs, dim=1)
            elif kind == "Activation":
                y = activate(x, activation)
            elif kind == "ReLU":
                y = F.relu(x) if cfg.get("max_value") is None else x.clamp(0, cfg["max_value"])
            elif kind == "LeakyReLU":
                y = F.leaky_relu(x, cfg["alpha"])
            else:
                raise ValueError("unknown layer %s" % kind)
            values[layer["name"]] = y
        out = values[output]
        if logits or config["output_is_probabilities"]:
            return out
        return F.softmax(out, dim=1)

    return run


def predict_torch(config, weights_source, batches):
    import torch
    if weights_source == "safetensors":
        tensors, _ = read_safetensors(os.path.join(HERE, config["files"]["safetensors"]))
    else:
        tensors = read_h5(os.path.join(HERE, config["files"]["keras"]), config["layers"])
    params = {name: torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
              for name, value in tensors.items() if value.dtype != np.int64}
    run = build_torch(config)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    with torch.no_grad():
        for batch in batches:
            yield run(torch.from_numpy(batch), params).numpy()


def predict_keras(config, keras, batches):
    model = keras.models.load_model(os.path.join(HERE, config["files"]["keras"]), compile=False)
    for batch in batches:
        p = np.asarray(model.predict(batch, verbose=0), np.float64)
        if not config["output_is_probabilities"]:
            p = np.exp(p - p.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
        yield p


def import_keras():
    try:
        import keras
        return keras
    except Exception:
        pass
    try:
        from tensorflow import keras
        return keras
    except Exception:
        return None


# Images ------------------------------------------------------------------------------------

def list_images(source):
    """(path, name) pairs: a folder's images by path inside it, or a CSV's Filename column."""
    if os.path.isdir(source):
        found = []
        for root, dirs, files in os.walk(source):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for f in files:
                if not f.startswith(".") and f.lower().endswith(IMAGE_EXTENSIONS):
                    path = os.path.join(root, f)
                    found.append((path, os.path.relpath(path, source)))
        found.sort(key=lambda item: item[1].encode("utf-8"))
        return found
    base = os.path.dirname(os.path.abspath(source))
    with open(source, newline="", encoding="utf-8-sig") as f:
        rows = [row for row in csv.reader(f) if row]
    if not rows:
        return []
    column = 0
    header = [cell.strip().lower() for cell in rows[0]]
    if "filename" in header or "file" in header or "image" in header:
        for wanted in ("filename", "file", "image"):
            if wanted in header:
                column = header.index(wanted)
                break
        rows = rows[1:]
    return [(os.path.join(base, row[column]), row[column]) for row in rows if len(row) > column]


def batches_of(items, config, batch_size, failed):
    """Preprocessed batches (NHWC float32) and the names of the images in each."""
    input_spec, pre = config["input"], config["preprocessing"]
    batch, names = [], []
    for path, name in items:
        try:
            batch.append(preprocess(path, name, pre, input_spec))
            names.append(name)
        except Exception as e:
            failed.append(name)
            sys.stderr.write("test.py: skipping %s: %s\n" % (name, e))
            continue
        if len(batch) == batch_size:
            yield np.stack(batch), names
            batch, names = [], []
    if batch:
        yield np.stack(batch), names


def main():
    parser = argparse.ArgumentParser(description="Classify images with the exported model.")
    parser.add_argument("images", help="a folder of images (searched recursively) or a CSV "
                        "whose Filename column names them")
    parser.add_argument("--out", default="predictions.csv",
                        help="where to write Filename,Label rows (default predictions.csv)")
    parser.add_argument("--backend", choices=("auto", "torch", "keras"), default="auto",
                        help="keras when it is installed, else torch (auto)")
    parser.add_argument("--weights", choices=("h5", "safetensors"), default="h5",
                        help="the PyTorch backend's weights file (h5)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--probabilities", metavar="FILE",
                        help="also write every class's probability per image as JSON")
    parser.add_argument("--dump-inputs", metavar="FILE.npy", help=argparse.SUPPRESS)
    args = parser.parse_args()

    with open(os.path.join(HERE, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    classes = config["classes"]
    if not os.path.exists(args.images):
        sys.stderr.write("test.py: %s does not exist\n" % args.images)
        return 1
    items = list_images(args.images)
    failed = []
    if args.dump_inputs:
        # the prepared images only, for checking the preprocessing against Strata's
        inputs = [b for b, _ in batches_of(items, config, args.batch_size, failed)]
        np.save(args.dump_inputs, np.concatenate(inputs) if inputs else np.zeros((0,)))
        return 0

    keras = None
    if args.backend in ("auto", "keras"):
        keras = import_keras()
        if keras is None and args.backend == "keras":
            sys.stderr.write("test.py: Keras is not installed\n")
            return EXIT_MISSING
    try:
        if keras is None:
            import torch  # noqa: F401
            if args.weights == "h5":
                import h5py  # noqa: F401
    except ImportError as e:
        sys.stderr.write("test.py needs %s (or Keras): %s\n" % (e.name, e))
        return EXIT_MISSING

    names, probabilities = [], []
    batched = list(batches_of(items, config, args.batch_size, failed))
    source = (b for b, _ in batched)
    if keras is not None:
        results = predict_keras(config, keras, source)
    else:
        results = predict_torch(config, args.weights, source)
    for (batch, batch_names), p in zip(batched, results):
        names.extend(batch_names)
        probabilities.extend(np.asarray(p, np.float64))

    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["Filename", "Label"])
        for name, p in zip(names, probabilities):
            writer.writerow([name, classes[int(np.argmax(p))]])
    if args.probabilities:
        with open(args.probabilities, "w", encoding="utf-8") as f:
            json.dump({"backend": "keras" if keras is not None else "torch",
                       "classes": classes,
                       "images": [{"name": n, "probabilities": [float(v) for v in p]}
                                  for n, p in zip(names, probabilities)],
                       "failed": failed}, f)
    sys.stderr.write("test.py: %d images classified%s with %s; wrote %s\n"
                     % (len(names), ", %d skipped" % len(failed) if failed else "",
                        "Keras" if keras is not None else "PyTorch", args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
