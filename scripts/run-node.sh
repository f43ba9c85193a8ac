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

# As root the embedded PostgreSQL runs as user `postgres`, which must be able
# to enter every parent of the data directory: a clone under /root is not.
# Keep the data in the conventional place instead (reused on the next start).
if [ "$(id -u)" -eq 0 ] && [ -z "${ADBATCH_DATA_DIR:-}" ] && [ "$#" -eq 0 ]; then
  export ADBATCH_DATA_DIR=/var/lib/adbatch
fi

# The simulated Google Ads API wants a developer token like the real one
# (any value); a real deployment sets its own.
export GOOGLE_ADS_DEVELOPER_TOKEN="${GOOGLE_ADS_DEVELOPER_TOKEN:-adbatch-sim-developer-token}"

./build/tools/adbatchd "$@"
