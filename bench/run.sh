#!/bin/sh
# run.sh: Strata's training throughput beside PyTorch's on the same networks
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench/run.sh [BUILDDIR] [EXAMPLE_BATCHES] [VGG_BATCHES] [fp32|bf16]
set -eu

here=$(dirname "$0")
build=${1:-_build}
n_example=${2:-300}
n_vgg=${3:-40}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

precision=${4:-fp32}
strata=$("$build/bench/strata-bench-plan" "$n_example" "$n_vgg" "$precision")
echo "Strata ($precision, oneDNN on $OMP_NUM_THREADS threads)"
echo "$strata"
torch=$(/usr/bin/python3 "$here/pytorch_example.py" "$n_example" "$n_vgg")
echo "PyTorch (2 threads, channels-last)"
echo "$torch"

echo "Ratio Strata / PyTorch (mean, best window)"
for net in example vgg; do
  s=$(echo "$strata" | awk -v n="$net" '$1 == n { print $4, $7 }')
  t=$(echo "$torch" | awk -v n="$net" '$1 == n { print $4, $7 }')
  if [ -n "$s" ] && [ -n "$t" ]; then
    echo "$net $s $t" | awk '{ printf "%-10s %.2f×  %.2f×\n", $1, $2 / $4, $3 / $5 }'
  fi
done
