#!/bin/sh
# Screenshots of the graph editor demo in light and dark, under Xvfb.
#
#   graph_editor/demo/screenshot.sh BUILDDIR OUTDIR [NAME [demo arguments…]]
#
# writes OUTDIR/NAME-light.png and OUTDIR/NAME-dark.png (NAME defaults to graph-editor).
# Needs xvfb-run and ImageMagick's import. Look at them: the point is to see what users see.
set -eu

builddir=${1:?usage: screenshot.sh BUILDDIR OUTDIR [NAME [demo arguments]]}
outdir=${2:?usage: screenshot.sh BUILDDIR OUTDIR [NAME [demo arguments]]}
name=${3:-graph-editor}
[ $# -ge 3 ] && shift 3 || shift $#
demo=$(cd "$builddir" && pwd)/graph_editor/demo/strata-graph-editor-demo
size=${STRATA_SCREENSHOT_SIZE:-1440x900}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

# GNOME's default font, as a user's session would set it (Xvfb has no settings daemon).
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
mkdir -p "$config/gtk-4.0"
printf '[Settings]\ngtk-font-name=Cantarell 11\n' > "$config/gtk-4.0/settings.ini"
XDG_CONFIG_HOME=$config
export XDG_CONFIG_HOME

for scheme in light dark; do
  STRATA_SHOT="$outdir/$name-$scheme.png"
  ADW_DEBUG_COLOR_SCHEME=prefer-$scheme
  GDK_BACKEND=x11
  export STRATA_SHOT ADW_DEBUG_COLOR_SCHEME GDK_BACKEND
  xvfb-run -a -s "-screen 0 ${size}x24" sh -c '
    "$@" &
    pid=$!
    # Wait for the window (not a fixed time: a busy machine starts slower), then let the
    # first layout and fit settle.
    if command -v xdotool >/dev/null; then
      timeout 30 xdotool search --sync --onlyvisible --name "Strata Graph Editor Demo" >/dev/null
    fi
    sleep "${STRATA_SCREENSHOT_DELAY:-2}"
    # Park the pointer in a corner so no tooltip or hover shows by accident.
    command -v xdotool >/dev/null && xdotool mousemove 0 0 && sleep 0.5
    import -window root "$STRATA_SHOT"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  ' sh "$demo" --size "$size" "$@"
  echo "$STRATA_SHOT"
done
