#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/fuzz-*/seed-*): small valid files
of each format, so that the fuzzer starts from inputs that get past the first checks.

    tests/fuzz/make-seeds.py PROJECT.strata... (e.g. from `strata new --example=…`)

The seeds are committed; run this again only to change them. Crash reproducers sit beside
them as crash-* and are never rewritten here."""

import gzip
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SEP = b"\n--strata-fuzz--\n"


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def png(width, height, channels, bit_depth=8):
    color = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    row = bytes(range(width * channels * bit_depth // 8))
    raw = b"".join(b"\0" + row for _ in range(height))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def bmp(width, height):
    stride = (width * 3 + 3) & ~3
    pixels = b"".join(bytes(range(width * 3)) + b"\0" * (stride - width * 3)
                      for _ in range(height))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 0, 0, 0, 0)
    return header + info + pixels


def with_orientation(jpeg, orientation):
    """An EXIF APP1 segment after SOI whose only tag is the orientation."""
    tiff = b"MM\0*" + struct.pack(">IH", 8, 1) + struct.pack(">HHIHH", 0x0112, 3, 1,
                                                               orientation, 0) + b"\0" * 4
    body = b"Exif\0\0" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def convert(args):
    try:
        return subprocess.run(["/usr/bin/convert"] + args, check=True,
                              capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def decode_seeds():
    # the four bytes in front choose the model's input: width, height, channels/mode/filter
    images = {
        "png-rgb": png(5, 3, 3), "png-gray": png(4, 4, 1), "png-rgba": png(3, 2, 4),
        "png-16bit": png(2, 2, 3, 16), "bmp": bmp(3, 2),
        "jpeg": convert(["-size", "20x12", "gradient:red-blue", "-quality", "50", "jpeg:-"]),
        "jpeg-exif-turned": with_orientation(convert(["-size", "9x5", "xc:green", "jpeg:-"]), 6),
        "gif": convert(["-size", "4x4", "xc:red", "gif:-"]),
    }
    for i, (name, data) in enumerate(images.items()):
        if data is not None:
            write("fuzz-decode", name, bytes([8 + i, 6, i * 3 % 32, i]) + data)


def safetensors(tensors, metadata=None):
    header, blob = {}, b""
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(blob), len(blob) + len(data)]}
        blob += data
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + blob


def safetensors_seeds():
    write("fuzz-safetensors", "kinds", safetensors({
        "dense.kernel": ("F32", [2, 3], struct.pack("<6f", *range(6))),
        "dense.bias": ("F16", [3], struct.pack("<3e", 0.5, -1, 2)),
        "bn.mean": ("BF16", [2], b"\x80\x3f\x00\x40"),
        "bn.var": ("F64", [1], struct.pack("<d", 0.25)),
        "step": ("I64", [], struct.pack("<q", 7)),
        "scalar8": ("F8_E4M3", [2], b"\x01\x02"),
    }, {"format": "pt", "strata": "1"}))
    write("fuzz-safetensors", "empty-tensor", safetensors({"e": ("F32", [0, 4], b"")}))


def zip_seeds():
    for name, method in (("stored", zipfile.ZIP_STORED), ("deflated", zipfile.ZIP_DEFLATED)):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as z:
            z.writestr("cats/", b"")
            z.writestr("cats/a.png", png(2, 2, 3))
            z.writestr("labels.csv", b"Filename,Label\ncats/a.png,cat\n")
            z.writestr("caf\u00e9/b.txt", b"x" * 40)
        write("fuzz-zip", name, buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with z.open("big.bin", "w", force_zip64=True) as f:
            f.write(b"zip64" * 10)
    write("fuzz-zip", "zip64", buf.getvalue())


def idx(dims, data):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + struct.pack(">%dI" % len(dims), *dims) + data


def idx_seeds():
    images = idx([3, 2, 2], bytes(range(12)))
    labels = idx([3], bytes([0, 9, 4]))
    test_images = idx([1, 2, 2], bytes([255, 0, 255, 0]))
    test_labels = idx([1], bytes([3]))
    write("fuzz-idx", "plain", SEP.join([images, labels, test_images, test_labels]))
    write("fuzz-idx", "gzip", SEP.join(gzip.compress(p, mtime=0) for p in
                                       (images, labels, test_images, test_labels)))


def gzip_seeds():
    write("fuzz-gzip", "text", gzip.compress(b"train-images-idx3-ubyte " * 20, mtime=0))
    write("fuzz-gzip", "two-members", gzip.compress(b"a", mtime=0) + gzip.compress(b"b", mtime=0))
    write("fuzz-gzip", "zlib", zlib.compress(b"not gzip but zlib"))


def csv_seeds():
    write("fuzz-csv", "comma", b"Filename,Label\ncats/a.png,cat\n\"dogs/b, c.png\",dog\n")
    write("fuzz-csv", "semicolon-crlf", b"\xef\xbb\xbffile;label\r\na.jpg;\"x \"\"y\"\"\"\r\n\r\n")
    write("fuzz-csv", "tab-1252", b"name\tclass\nb\xe9b\xe9.png\tcaf\xe9\n")


def project_seeds(projects):
    for i, path in enumerate(projects):
        with open(path) as f:
            data = json.load(f)
        write("fuzz-project", "project-%d" % i, json.dumps(data, separators=(",", ":")).encode())
        settings = {k: v for k, v in data.items() if k != "runs"}
        info = {"format_version": 1, "name": "fuzz", "created": "2026-01-01T00:00:00Z",
                "status": "finished", "epochs_done": 2, "init_from": "base",
                "last": {"epoch": 2, "val_accuracy": 0.5}}
        metrics = b"".join(json.dumps(r).encode() + b"\n" for r in (
            {"epoch": 1, "loss": 1.5, "accuracy": 0.4, "val_loss": 1.6, "val_accuracy": 0.38,
             "lr": 0.001, "seconds": 3.2},
            {"epoch": 2, "loss": 1.1, "accuracy": 0.6, "val_loss": 1.2, "val_accuracy": 0.5}))
        write("fuzz-run", "run-%d" % i,
              SEP.join([json.dumps(settings, separators=(",", ":")).encode(),
                        json.dumps(info).encode(), metrics + b"{\"epoch\": 3, \"lo"]))


if __name__ == "__main__":
    decode_seeds()
    safetensors_seeds()
    zip_seeds()
    idx_seeds()
    gzip_seeds()
    csv_seeds()
    project_seeds(sys.argv[1:])
