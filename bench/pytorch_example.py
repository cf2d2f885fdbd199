#!/usr/bin/python3
# pytorch_example.py: the networks of bench-train.c in PyTorch, for comparison
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: pytorch_example.py [EXAMPLE_BATCHES [VGG_BATCHES]]
# Same networks, batch sizes and step (forward, cross-entropy, backward, plain SGD) as
# strata-bench-plan, on 2 threads, channels-last; prints images/s in the same format.

import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)


class Example(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.dropout(F.max_pool2d(x, 2), 0.25, self.training)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(F.dropout(x, 0.5, self.training))


class Vgg(nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for f in (32, 64, 128):
            layers += [nn.Conv2d(c, f, 3, padding=1), nn.ReLU(), nn.Conv2d(f, f, 3, padding=1),
                       nn.ReLU(), nn.MaxPool2d(2)]
            c = f
        self.features = nn.Sequential(*layers)
        self.fc1 = nn.Linear(128 * 8 * 8, 256)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        return self.fc2(F.dropout(F.relu(self.fc1(x)), 0.5, self.training))


def run(name, model, shape, batch, n_batches):
    model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(batch, *shape).to(memory_format=torch.channels_last)
    y = torch.arange(batch) % 10
    best = 0.0
    for b in range(n_batches + 5):
        if b == 5:
            start = window = time.perf_counter()
        elif b > 5 and (b - 5) % 10 == 0:
            # the machine is shared: the best window of 10 batches shows what it can do
            now = time.perf_counter()
            best = max(best, 10 * batch / (now - window))
            window = now
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    rate = n_batches * batch / (time.perf_counter() - start)
    print(f"{name:10s} batch {batch:3d}  {rate:8.1f} images/s  best {max(best, rate):8.1f}")
    return rate


if __name__ == "__main__":
    n_example = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    n_vgg = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    if n_example:
        run("example", Example(), (1, 28, 28), 64, n_example)
    if n_vgg:
        run("vgg", Vgg(), (3, 64, 64), 32, n_vgg)
