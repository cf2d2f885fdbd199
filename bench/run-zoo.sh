#!/bin/sh
# run-zoo.sh: fine-tuning a pretrained backbone, Strata beside PyTorch, in one run
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench/run-zoo.sh [BUILDDIR] [BATCHES]
# ResNet50 at 224×224, batch 16: all trainable, and the last 25 % (Strata's trainable
# rule); VGG16 with its last block trainable; each in fp32 and bf16. Every case runs in a
# process of its own so that the peak memory is its own. See BENCHMARKS.md.
set -eu

here=$(dirname "$0")
build=${1:-_build}
n=${2:-20}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
strata="$build/bench/strata-bench-zoo"

for precision in fp32 bf16; do
  for case in "resnet50 100" "resnet50 25" "vgg16 25"; do
    set -- $case
    "$strata" "$1" "$2" "$precision" "$n" 16 224
    "$strata" --torch-trainable "$1" "$2" |
      /usr/bin/python3 "$here/pytorch_zoo.py" "$1" "$precision" "$n" 16 224
    echo
  done
done
