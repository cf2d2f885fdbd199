#!/bin/sh
# take-screenshots.sh [BUILDDIR [OUTDIR]] [--size=WxH] [--only=LANG-STYLE]
#
# Every page of Strata in light and dark, English and Simplified Chinese, under Xvfb.
# Defaults: _build and _build/screenshots. See take-screenshots.py for what it does.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
builddir="${1:-_build}"
outdir="${2:-$builddir/screenshots}"
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
exec xvfb-run -a -s "-screen 0 1440x960x24 -noreset" python3 "$here/take-screenshots.py" "$builddir" "$outdir" "$@"
