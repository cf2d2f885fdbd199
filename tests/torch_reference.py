#!/usr/bin/python3
# torch_reference.py: the networks of test-torch.c in PyTorch, to check Strata's numbers
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: torch_reference.py DIR NETWORK
# DIR holds what test-torch wrote: the weights before the step (<layer>__<weight>.npy, PyTorch
# layouts), the batch (input.npy, NHWC), labels.npy, the dropout masks (<layer>.mask.npy,
# NHWC, already scaled by 1/(1-rate)), and Strata's results: loss.npy, probs.npy,
# <tensor>.grad.npy and the moving statistics after the step (<tensor>.after.npy).
# The network is rebuilt here in float64 (NCHW, TensorFlow's "same" padding, Keras'
# flatten order and BatchNormalization momentum) and every result is compared.
# Exit status: 0 when everything agrees, 1 when not, 77 when torch is missing.

import importlib.util
import json
import os
import sys

import numpy as np

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit(77)

torch.set_default_dtype(torch.float64)
DIR, NETWORK = sys.argv[1], sys.argv[2]


def load(name):
    return torch.tensor(np.load(os.path.join(DIR, name)).astype(np.float64))


class Weights:
    def __init__(self):
        self.params = {}

    def __call__(self, name, grad=True):
        if name not in self.params:
            t = load(name.replace("/", "__") + ".npy")
            t.requires_grad_(grad)
            self.params[name] = t
        return self.params[name]


W = Weights()


def nchw(x):
    return x.permute(0, 3, 1, 2)


def same_pad(x, kernel, stride, dilation=1):
    """TensorFlow's "same": ceil(in / stride) outputs, the odd padding row at the end."""
    pads = []
    for size, k, s in zip(x.shape[2:], kernel, stride):
        out = -(-size // s)
        total = max((out - 1) * s + (k - 1) * dilation + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    return F.pad(x, (pads[1][0], pads[1][1], pads[0][0], pads[0][1]))


def conv(x, name, same=False, bias=True, stride=1):
    k = W(name + "/kernel")
    if same:
        x = same_pad(x, k.shape[2:], (stride, stride))
    return F.conv2d(x, k, W(name + "/bias") if bias else None, stride=stride)


def dense(x, name):
    return F.linear(x, W(name + "/kernel"), W(name + "/bias"))


def dropout(x, name):
    mask = load(name + ".mask.npy")
    return x * (nchw(mask) if mask.dim() == 4 else mask)


def flatten(x):
    return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)   # Keras flattens H, W, C


def batch_norm(x, name, momentum=0.99, eps=1e-3):
    mean = W(name + "/moving_mean", False).clone()
    var = W(name + "/moving_variance", False).clone()
    y = F.batch_norm(x, mean, var, W(name + "/gamma"), W(name + "/beta"), training=True,
                     momentum=1 - momentum, eps=eps)
    batch_norm.after[name + "/moving_mean"] = mean
    batch_norm.after[name + "/moving_variance"] = var
    return y


batch_norm.after = {}


def example(x):
    x = F.relu(conv(x, "conv2d"))
    x = F.relu(conv(x, "conv2d_1"))
    x = F.max_pool2d(x, 2)
    x = dropout(x, "dropout")
    x = F.relu(dense(flatten(x), "dense"))
    x = dropout(x, "dropout_1")
    return dense(x, "dense_1"), 0.0       # softmax ends the model: probabilities


def residual(x):
    stem = F.relu(conv(x, "stem", same=True))
    y = conv(stem, "conv_a", same=True, bias=False)
    y = F.relu(batch_norm(y, "bn_a"))
    y = conv(y, "conv_b", same=True, bias=False)
    y = batch_norm(y, "bn_b")
    y = F.relu(y + stem)
    y = y.mean(dim=(2, 3))
    return dense(y, "logits"), 0.1        # from logits, label smoothing 0.1


def compare_optimizer_steps(compare):
    """Each optimizer's first step by Keras' rules, from PyTorch's gradients."""
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location(
        "optimizer_reference", os.path.join(here, "optimizer-reference.py"))
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    with open(os.path.join(DIR, "optimizers.json")) as f:
        configs = json.load(f)
    for cfg in configs:
        for name, param in sorted(W.params.items()):
            if not param.requires_grad:
                continue
            before = param.detach().clone()
            var = before.clone()
            init = cfg["initial_accumulator"] if cfg["name"] == "adagrad" else 0.0
            slots = {s: torch.full_like(var, init) for s in reference.keras_slots(cfg)}
            reference.keras_step(cfg, var, param.grad, slots, cfg["lr"], 0, {"m_cache": 1.0})
            ours = np.load(os.path.join(DIR, name.replace("/", "__") + "." + cfg["name"] +
                                        ".npy"))
            # The adaptive optimizers' first step is about lr * sign(g): where g is tiny next to
            # epsilon it hangs on the last bits of g, which float32 and float64 don't share.
            g = param.grad.detach().numpy()
            mask = np.abs(g) > 1e-3 * np.abs(g).max()
            delta = (var - before).numpy()
            compare("%s %s step" % (name, cfg["name"]), (ours - before.numpy())[mask],
                    delta[mask], 1e-3)


def main():
    x = nchw(load("input.npy"))
    labels = load("labels.npy").long()
    logits, smoothing = {"example": example, "residual": residual}[NETWORK](x)
    k = logits.shape[1]
    target = F.one_hot(labels, k) * (1 - smoothing) + smoothing / k
    logp = F.log_softmax(logits, dim=1)
    loss = -(target * logp).sum(dim=1).mean()
    loss.backward()

    failures = []

    def compare(what, ours, ref, tolerance):
        ours = np.asarray(ours, dtype=np.float64)
        ref = ref.detach().numpy() if isinstance(ref, torch.Tensor) else np.asarray(ref)
        scale = max(np.abs(ref).max(), 1e-3)
        error = np.abs(ours.reshape(ref.shape) - ref).max()
        ok = error <= tolerance * scale
        print(f"{what:32s} max error {error:.3g} scale {scale:.3g} {'ok' if ok else 'FAIL'}")
        if not ok:
            failures.append(what)

    compare("loss", np.load(os.path.join(DIR, "loss.npy")), loss, 1e-5)
    compare("probabilities", np.load(os.path.join(DIR, "probs.npy")), logp.exp(), 1e-5)
    for name, param in sorted(W.params.items()):
        if param.requires_grad:
            grad = np.load(os.path.join(DIR, name.replace("/", "__") + ".grad.npy"))
            compare(name + " gradient", grad, param.grad, 1e-4)
    compare_optimizer_steps(compare)
    for name, value in sorted(batch_norm.after.items()):
        compare(name + " after", np.load(os.path.join(DIR, name.replace("/", "__") +
                                                      ".after.npy")), value, 1e-5)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
