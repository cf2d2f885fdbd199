#!/usr/bin/python3
# pytorch_zoo.py: the fine-tuning steps of strata-bench-zoo in PyTorch, for comparison
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: pytorch_zoo.py MODEL fp32|bf16 BATCHES BATCH SIZE < TRAINABLE
# MODEL is resnet50 or vgg16 (torchvision's, random weights) with a 10-class head; TRAINABLE
# lists the modules to train (strata-bench-zoo --torch-trainable prints Strata's choice), the
# others are frozen, their BatchNorm in eval mode as Keras' trainable=False does. Same step as
# Strata: forward, cross-entropy, backward, Adam; 2 threads, channels-last; bf16 through
# torch.autocast. Prints images/s (mean, best window of 10 batches) and the peak RSS.

import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

torch.set_num_threads(2)


def build(name):
    if name == 'resnet50':
        model = torchvision.models.resnet50(weights=None)
        model.fc = nn.Linear(2048, 10)
        return model, {'fc'}
    if name == 'vgg16':
        vgg = torchvision.models.vgg16(weights=None)
        model = nn.Sequential()
        model.add_module('features', vgg.features)
        model.add_module('pool', nn.AdaptiveAvgPool2d(1))
        model.add_module('flatten', nn.Flatten())
        model.add_module('head', nn.Linear(512, 10))
        return model, {'head'}
    raise SystemExit('no model ' + name)


def freeze(model, trainable):
    frozen_bn = []
    for name, module in model.named_modules():
        if not list(module.parameters(recurse=False)):
            continue
        train = name in trainable
        for p in module.parameters(recurse=False):
            p.requires_grad_(train)
        if isinstance(module, nn.BatchNorm2d) and not train:
            frozen_bn.append(module)
    return frozen_bn


def main():
    name, precision = sys.argv[1], sys.argv[2]
    n_batches, batch, size = (int(a) for a in sys.argv[3:6])
    model, head = build(name)
    trainable = head | {line.strip() for line in sys.stdin if line.strip()}
    frozen_bn = freeze(model, trainable)
    model = model.to(memory_format=torch.channels_last).train()
    for m in frozen_bn:
        m.eval()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=1e-4)
    x = torch.rand(batch, 3, size, size).to(memory_format=torch.channels_last)
    y = torch.arange(batch) % 10
    best, start, window = 0.0, 0.0, 0.0
    for b in range(n_batches + 3):
        if b == 3:
            start = window = time.perf_counter()
        elif b > 3 and (b - 3) % 10 == 0:
            now = time.perf_counter()
            best = max(best, 10 * batch / (now - window))
            window = now
        opt.zero_grad()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=precision == 'bf16'):
            loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    rate = n_batches * batch / (time.perf_counter() - start)
    trained = sum(p.numel() for p in params)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name} torch {precision} b{batch:<6d} {rate:8.2f} images/s  best {max(best, rate):8.2f}"
          f"  peak RSS {peak:.0f} MiB  trainable {trained / 1e6:.2f} M")


main()
