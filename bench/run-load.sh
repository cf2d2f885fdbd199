#!/bin/sh
# run-load.sh: training throughput quiet and beside one and two busy processes, Strata and
# PyTorch in the same run
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench/run-load.sh [BUILDDIR] [STRATA_BATCHES] [TORCH_BATCHES]
#
# The example network (batch 64, fp32). For each load (0, 1, 2 shell busy loops that the
# script starts and stops itself) it runs:
#   strata    Strata as it trains: its wait policy, the thread count adapting between batches
#   spin      Strata as it was: libgomp's default spinning (GOMP_SPINCOUNT=300000), 2 threads
#   strata-1  Strata on 1 thread (the goal's reference, quiet)
#   torch     PyTorch 1.13 on 2 threads
# and prints images/s and the ratios the goals are stated in. About 3-5 minutes.
set -eu

here=$(dirname "$0")
build=${1:-_build}
n_strata=${2:-150}
n_torch=${3:-40}
bench="$build/bench/strata-bench-plan"
unset OMP_NUM_THREADS OMP_WAIT_POLICY GOMP_SPINCOUNT

busy_pids=""
stop_busy () {
  for pid in $busy_pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $busy_pids; do wait "$pid" 2>/dev/null || true; done
  busy_pids=""
}
trap stop_busy EXIT INT TERM

rate () { awk '$1 == "example" { print $4 }'; }

results=$(mktemp)
for load in 0 1 2; do
  i=0
  while [ "$i" -lt "$load" ]; do
    sh -c 'while :; do :; done' &
    busy_pids="$busy_pids $!"
    i=$((i + 1))
  done
  sleep 1
  out=$("$bench" "$n_strata" 0 fp32)
  echo "busy $load: $out" | head -1 >&2
  s=$(echo "$out" | rate)
  p=$(GOMP_SPINCOUNT=300000 OMP_NUM_THREADS=2 "$bench" "$n_strata" 0 fp32 | rate)
  o=$(OMP_NUM_THREADS=1 "$bench" "$n_strata" 0 fp32 | rate)
  t=$(/usr/bin/python3 "$here/pytorch_example.py" "$n_torch" 0 | rate)
  echo "$load $s $p $o $t" >> "$results"
  stop_busy
done

echo "Images/s, example network, batch 64, fp32 (busy = shell loops beside it)"
awk '
  BEGIN { printf "%-6s %10s %10s %10s %10s %8s %8s\n", "busy", "strata", "spin", "strata-1",
          "torch", "s/torch", "s/1quiet" }
  NR == 1 { one_quiet = $4; quiet = $2; spin_quiet = $3 }
  { printf "%-6s %10.1f %10.1f %10.1f %10.1f %7.2f× %7.0f%%\n", $1, $2, $3, $4, $5, $2 / $5,
           100 * $2 / one_quiet }
  END { printf "quiet: Strata %.1f vs the old spinning %.1f (%+.1f %%)\n", quiet, spin_quiet,
        100 * (quiet / spin_quiet - 1) }
' "$results"
rm -f "$results"
