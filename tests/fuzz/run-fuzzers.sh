#!/bin/sh
# Runs every fuzz target of a -Dfuzzing=true build for SECONDS each, on a scratch copy of its
# seed corpus (the committed corpus stays as it is), and fails on the first report.
#
#   tests/fuzz/run-fuzzers.sh BUILD_DIR [SECONDS] [TARGET…]
#
# A crash leaves its input in BUILD_DIR/fuzz-artifacts/; copy it to corpus/TARGET/crash-WHAT
# with the fix, and `meson test --suite fuzz` replays it from then on.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1
seconds=${2:-60}
shift $(( $# < 2 ? $# : 2 ))
# fuzz-keras-h5 is left out by default: it reads .h5 in its own process, where libhdf5 1.10's
# own crashes and hangs on damaged global heaps surface within a minute (tests/fuzz/README);
# fuzz-weights-probe fuzzes the same bytes through the isolated reader Strata really uses.
targets=${*:-"fuzz-project fuzz-run fuzz-safetensors fuzz-csv fuzz-zip fuzz-idx fuzz-gzip
  fuzz-decode fuzz-weights-probe"}
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"

sanitizers=$(cd "$here/../sanitizers" && pwd)
. "$sanitizers/env.sh"

for target in $targets; do
  exe=$build/tests/fuzz/$target
  if [ ! -x "$exe" ]; then
    echo "$target: not built in $build" >&2
    exit 1
  fi
  # JSON: json-glib's parser recurses once per nesting level; inputs stay under 64 KiB so
  # that depth is the depth check's business, not the stack's (harden-json).
  case $target in
    fuzz-project|fuzz-run) dict=json.dict; max_len=65536 ;;
    fuzz-safetensors) dict=safetensors.dict; max_len=65536 ;;
    fuzz-zip) dict=zip.dict; max_len=16384 ;;
    fuzz-idx) dict=idx.dict; max_len=16384 ;;
    fuzz-decode) dict=decode.dict; max_len=65536 ;;
    *) dict=; max_len=16384 ;;
  esac
  case $target in
    fuzz-weights-probe) seeds=fuzz-keras-h5 ;;
    *) seeds=$target ;;
  esac
  scratch=$(mktemp -d)
  cp "$here/corpus/$seeds"/* "$scratch/" 2>/dev/null || true
  # No leak checks while fuzzing: libFuzzer's after single inputs reported GLib's one-time
  # allocations (the first input down a path interns strings and grows tables), and
  # LeakSanitizer's at exit an unreachable GLib cycle after tens of thousands of inputs,
  # neither with a stack to suppress by (tests/fuzz/README). The replay in `meson test
  # --suite fuzz` and the ASan suites check leaks.
  set -- -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
         -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$artifacts/$target-"
  [ -n "$dict" ] && set -- "$@" -dict="$here/$dict"
  start=$(date +%s)
  status=0
  ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" "$exe" "$@" "$scratch" \
    > "$artifacts/$target.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$artifacts/$target.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$artifacts/$target.log" | tail -1)
  echo "$target: $(( $(date +%s) - start )) s, ${runs:-?} runs, $cov, corpus $(ls "$scratch" | wc -l)," \
       "exit $status"
  rm -rf "$scratch"
  if [ "$status" -ne 0 ]; then
    tail -60 "$artifacts/$target.log" >&2
    exit 1
  fi
done
