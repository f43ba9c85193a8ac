#!/usr/bin/env bash
# Runs an adbatch node on its embedded defaults on a fresh Debian 12 machine
# (as root): installs the packages, builds, starts the platform simulators on
# loopback, then runs `adbatchd` in the foreground. The node manages its own
# PostgreSQL cluster under its data directory. Ctrl-C stops everything.
# Extra arguments go to adbatchd (e.g. --config config/adbatch.example.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

./build/tools/adbatch-sim &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true' EXIT

./build/tools/adbatchd "$@"
