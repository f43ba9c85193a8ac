#!/usr/bin/env bash
# Installs missing packages, then configures (once) and builds into ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=debugoptimized
fi
ninja -C build -j "$(nproc)"
