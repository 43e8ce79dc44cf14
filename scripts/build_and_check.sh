#!/usr/bin/env bash
# Build the one-folder app (dist/cnn-studio/) with PyInstaller and check that the executable really
# starts: --version, then --self-test offscreen (window, demo scan, one training epoch, two
# predictions). Prints the build time, the bundle size and the self-test's line, which includes the
# time from launch to the window shown.
#
# Usage: scripts/build_and_check.sh            (uses `python` on PATH, e.g. an activated venv)
#        BUILD_PYTHON=.venv/bin/python scripts/build_and_check.sh
#        scripts/build_and_check.sh --check-only   (skip the build; check an existing dist/)
# Works on Linux, macOS and Windows (Git Bash). Needs ~6 GB of free disk with the CUDA torch build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${BUILD_PYTHON:-python}
# The checks run from a temporary folder: make a relative interpreter path absolute.
case "$PY" in */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" ;; esac
APP=cnn-studio
DIST="$ROOT/dist/$APP"
case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) EXE="$DIST/$APP.exe" ;;
  *) EXE="$DIST/$APP" ;;
esac
now() { "$PY" -c 'import time; print(f"{time.time():.3f}")'; }
elapsed() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

build_seconds="(not built)"
if [ "${1:-}" != "--check-only" ]; then
  # A fresh venv (CI) has no PyInstaller yet: install the project's build extra.
  if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "build-and-check: installing the build extra (PyInstaller)"
    "$PY" -m pip install -q -e ".[build]"
  fi
  echo "build-and-check: building $DIST (this takes minutes)"
  t0=$(now)
  "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$ROOT/dist" --workpath "$ROOT/build" build.spec
  build_seconds="$(elapsed "$t0" "$(now)")s"
fi

[ -x "$EXE" ] || { echo "build-and-check: FAILED: $EXE was not built" >&2; exit 1; }
size=$(du -sh "$DIST" | cut -f1)

# Run from an empty folder with no resources override, so the app can only use its bundle.
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
cd "$workdir"
unset CNN_STUDIO_RESOURCES
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

version=$("$EXE" --version) || { echo "build-and-check: FAILED: $EXE --version" >&2; exit 1; }
t0=$(now)
set +e
"$EXE" --self-test > "$workdir/selftest.out"
rc=$?
set -e
selftest_seconds=$(elapsed "$t0" "$(now)")
line=$(tail -n 1 "$workdir/selftest.out" 2>/dev/null || true)
echo "build-and-check: $version; build $build_seconds; bundle $size ($DIST); self-test ${selftest_seconds}s wall"
if [ "$rc" -ne 0 ]; then
  echo "build-and-check: FAILED: the executable's --self-test exited $rc" >&2
  exit 1
fi
echo "build-and-check: $line"
