# strata_data.py: the project's data as Strata feeds it to the model
#
# The images come already decoded and resized by Strata (data/SPLIT-images.npy, uint8 NHWC),
# in Strata's split. This module applies the augmentation schedule with Strata's rules and
# random numbers (the same draws for the same seed, epoch and image), normalises, and orders
# every epoch with Strata's shuffle. Written by Strata; GPL-3.0-or-later.

import math

import numpy as np

import test as strata  # test.py: hashing, normalisation

U64 = strata.U64
mix64 = strata.mix64
GOLDEN = 0x9e3779b97f4a7c15


def key2(a, b):
    return mix64((mix64(a) + GOLDEN * (b + 1)) & U64)


def key3(a, b, c):
    return key2(key2(a, b), c)


class Random:
    """StrataRandom: splitmix64 from a key."""

    def __init__(self, key):
        self.state = mix64(key ^ 0x5851f42d4c957f2d)

    def next(self):
        self.state = (self.state + GOLDEN) & U64
        return mix64(self.state)

    def double(self):
        return (self.next() >> 11) * (1.0 / 9007199254740992.0)

    def uniform(self, low, high):
        return low + (high - low) * self.double()

    def below(self, n):
        return ((self.next() >> 32) * n) >> 32


SHUFFLE = 0x73687566666c65
SPLITS = {"train": 0, "validation": 1, "test": 2}


def shuffled(n, seed, epoch, split="train"):
    """The loader's order of the split's images in an epoch (epoch counted from 0)."""
    order = list(range(n))
    rng = Random(key3(seed, epoch, SHUFFLE + SPLITS[split]))
    for i in range(n - 1, 0, -1):
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


# Augmentation: strata-augment.c -------------------------------------------------------------

STREAMS = {"rotation": 1, "shift": 2, "shear": 3, "zoom": 4, "flip": 5, "channel": 6,
           "brightness": 7, "crop": 8, "erase": 9}
FILL = {"nearest": 0, "constant": 1, "reflect": 2, "wrap": 3}


def stage_for_epoch(stages, epoch):
    """The augmentation stage of epoch index epoch (0-based), or None when it does nothing."""
    best = None
    for stage in stages:
        if stage.get("first_epoch", 1) <= epoch + 1 and (
                best is None or stage.get("first_epoch", 1) >= best.get("first_epoch", 1)):
            best = stage
    if best is None or is_identity(best):
        return None
    return best


def is_identity(p):
    g = lambda k, d=0.0: p.get(k, d)
    return (g("rotation_range") == 0 and g("width_shift_range") == 0 and
            g("height_shift_range") == 0 and g("shear_range") == 0 and g("zoom_range") == 0 and
            not g("horizontal_flip", False) and not g("vertical_flip", False) and
            g("brightness_min", 1.0) == 1.0 and g("brightness_max", 1.0) == 1.0 and
            g("channel_shift_range") == 0 and not g("random_resized_crop", False) and
            g("erasing_probability") == 0)


def _rect(rng, width, height, area_min, area_max, ratio_min, ratio_max, strict):
    area = float(width * height)
    for _ in range(10):
        target = area * rng.uniform(area_min, area_max)
        ratio = math.exp(rng.uniform(math.log(ratio_min), math.log(ratio_max)))
        cw = int(round_half_away(math.sqrt(target * ratio)))
        ch = int(round_half_away(math.sqrt(target / ratio)))
        fits = (cw < width and ch < height) if strict else \
            (0 < cw <= width and 0 < ch <= height)
        if not fits or cw <= 0 or ch <= 0:
            continue
        y = rng.below(height - ch + 1)
        x = rng.below(width - cw + 1)
        return x, y, cw, ch
    return None


def round_half_away(v):
    """C's lround: halves away from zero."""
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


def draw(p, key, width, height):
    g = lambda k, d=0.0: p.get(k, d)
    d = {"theta": 0.0, "shear": 0.0, "zoom_rows": 1.0, "zoom_cols": 1.0, "shift_rows": 0.0,
         "shift_cols": 0.0, "flip_h": False, "flip_v": False, "channel_shift": [0.0] * 3,
         "brightness": 1.0, "crop": None, "erase": None}
    stream = lambda which: Random(key2(key, STREAMS[which]))
    if g("random_resized_crop", False):
        rng = stream("crop")
        rect = _rect(rng, width, height, g("crop_scale_min", 0.08), g("crop_scale_max", 1.0),
                     g("crop_ratio_min", 0.75), g("crop_ratio_max", 4 / 3), False)
        if rect is None:
            ratio = width / height
            if ratio < g("crop_ratio_min", 0.75):
                cw, ch = width, int(round_half_away(width / g("crop_ratio_min", 0.75)))
            elif ratio > g("crop_ratio_max", 4 / 3):
                cw, ch = int(round_half_away(height * g("crop_ratio_max", 4 / 3))), height
            else:
                cw, ch = width, height
            cw, ch = min(max(cw, 1), width), min(max(ch, 1), height)
            rect = ((width - cw) // 2, (height - ch) // 2, cw, ch)
        d["crop"] = rect
    if g("rotation_range") > 0:
        rng = stream("rotation")
        d["theta"] = rng.uniform(-g("rotation_range"), g("rotation_range")) * math.pi / 180
    if g("height_shift_range") > 0 or g("width_shift_range") > 0:
        rng = stream("shift")
        d["shift_rows"] = rng.uniform(-g("height_shift_range"), g("height_shift_range")) * height
        d["shift_cols"] = rng.uniform(-g("width_shift_range"), g("width_shift_range")) * width
    if g("shear_range") > 0:
        rng = stream("shear")
        d["shear"] = rng.uniform(-g("shear_range"), g("shear_range")) * math.pi / 180
    if g("zoom_range") > 0:
        rng = stream("zoom")
        d["zoom_rows"] = rng.uniform(1 - g("zoom_range"), 1 + g("zoom_range"))
        d["zoom_cols"] = rng.uniform(1 - g("zoom_range"), 1 + g("zoom_range"))
    if g("horizontal_flip", False) or g("vertical_flip", False):
        rng = stream("flip")
        d["flip_h"] = rng.double() < 0.5 and g("horizontal_flip", False)
        d["flip_v"] = rng.double() < 0.5 and g("vertical_flip", False)
    if g("channel_shift_range") > 0:
        rng = stream("channel")
        d["channel_shift"] = [rng.uniform(-g("channel_shift_range"), g("channel_shift_range"))
                              for _ in range(3)]
    if g("brightness_min", 1.0) != 1.0 or g("brightness_max", 1.0) != 1.0:
        rng = stream("brightness")
        d["brightness"] = rng.uniform(g("brightness_min", 1.0), g("brightness_max", 1.0))
    if g("erasing_probability") > 0:
        rng = stream("erase")
        if rng.double() < g("erasing_probability"):
            d["erase"] = _rect(rng, width, height, g("erasing_area_min", 0.02),
                               g("erasing_area_max", 0.33), g("erasing_ratio_min", 0.3),
                               g("erasing_ratio_max", 3.3), True)
    d["affine"] = (d["theta"] != 0 or d["shear"] != 0 or d["zoom_rows"] != 1 or
                   d["zoom_cols"] != 1 or d["shift_rows"] != 0 or d["shift_cols"] != 0 or
                   d["flip_h"] or d["flip_v"])
    return d


def _fill_index(i, n, mode):
    inside = (i >= 0) & (i < n)
    if mode == FILL["constant"]:
        return np.where(inside, i, -1)
    if mode == FILL["reflect"]:
        period = 2 * n
        j = np.mod(i, period)
        return np.where(j < n, j, period - 1 - j)
    if mode == FILL["wrap"]:
        return np.mod(i, n)
    return np.clip(i, 0, n - 1)


def apply(p, d, src):
    """strata_augment_apply: src HWC uint8 → HWC float32 0..255."""
    height, width, channels = src.shape
    image = src.astype(np.float32)
    if d["crop"] is not None:
        cx, cy, cw, ch = d["crop"]
        rows = np.clip((np.arange(height) + 0.5) * ch / height - 0.5, 0, ch - 1)
        cols = np.clip((np.arange(width) + 0.5) * cw / width - 0.5, 0, cw - 1)
        y0 = np.minimum(rows.astype(np.int64), ch - 1)
        x0 = np.minimum(cols.astype(np.int64), cw - 1)
        wy = (rows - y0).astype(np.float32)[:, None, None]
        wx = (cols - x0).astype(np.float32)[None, :, None]
        y1, x1 = np.minimum(y0 + 1, ch - 1), np.minimum(x0 + 1, cw - 1)
        part = image[cy:cy + ch, cx:cx + cw]
        at = lambda yy, xx: part[yy][:, xx]
        image = ((1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) +
                 wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1)))
    if d["affine"]:
        cy, cx = (height - 1) / 2.0, (width - 1) / 2.0
        c, s = math.cos(d["theta"]), math.sin(d["theta"])
        sh_s, sh_c = math.sin(d["shear"]), math.cos(d["shear"])
        m00, m01 = c * d["zoom_rows"], (-c * sh_s - s * sh_c) * d["zoom_cols"]
        m10, m11 = s * d["zoom_rows"], (-s * sh_s + c * sh_c) * d["zoom_cols"]
        t_r = c * d["shift_rows"] - s * d["shift_cols"] + cy
        t_c = s * d["shift_rows"] + c * d["shift_cols"] + cx
        r = np.arange(height, dtype=np.float64)
        q = np.arange(width, dtype=np.float64)
        o_r = ((height - 1 - r) if d["flip_v"] else r) - cy
        o_c = ((width - 1 - q) if d["flip_h"] else q) - cx
        in_r = (m00 * o_r + t_r)[:, None] + m01 * o_c[None, :]
        in_c = (m10 * o_r + t_c)[:, None] + m11 * o_c[None, :]
        fy, fx = np.floor(in_r), np.floor(in_c)
        y0, x0 = fy.astype(np.int64), fx.astype(np.int64)
        wy, wx = (in_r - fy).astype(np.float32), (in_c - fx).astype(np.float32)
        mode, cval = FILL.get(p.get("fill_mode", "nearest"), 0), np.float32(p.get("fill_value",
                                                                                  0.0))
        out = np.zeros_like(image)
        for dy, wgt_y in ((0, 1 - wy), (1, wy)):
            rows = _fill_index(y0 + dy, height, mode)
            for dx, wgt_x in ((0, 1 - wx), (1, wx)):
                cols = _fill_index(x0 + dx, width, mode)
                weight = (wgt_y * wgt_x)[:, :, None]
                inside = ((rows >= 0) & (cols >= 0))[:, :, None]
                values = image[np.clip(rows, 0, height - 1), np.clip(cols, 0, width - 1)]
                out += weight * np.where(inside, values, cval)
        image = out
    if any(v != 0 for v in d["channel_shift"]) or d["brightness"] != 1.0:
        shift = np.array(d["channel_shift"][:channels], np.float32)
        image = np.clip((image + shift) * np.float32(d["brightness"]), 0, 255)
    if d["erase"] is not None:
        x, y, w, h = d["erase"]
        image[y:y + h, x:x + w] = np.float32(p.get("erasing_value", 0.0))
    return image.astype(np.float32)


class Split:
    """One split: the resized images, their labels and their keys."""

    def __init__(self, folder, name):
        self.name = name
        self.images = np.load("%s/%s-images.npy" % (folder, name), mmap_mode="r")
        self.labels = np.load("%s/%s-labels.npy" % (folder, name))
        self.keys = np.load("%s/%s-keys.npy" % (folder, name))

    def __len__(self):
        return len(self.labels)

    def item(self, index, preprocessing, channels, stage=None, seed=0, epoch=0):
        """Image @index as the model sees it in @epoch: augmented by @stage, normalised."""
        pixels = np.asarray(self.images[index])
        if stage is not None:
            key = key3(seed, epoch, int(self.keys[index]))
            pixels = apply(stage, draw(stage, key, pixels.shape[1], pixels.shape[0]), pixels)
        return strata.normalize(pixels, preprocessing, channels)
