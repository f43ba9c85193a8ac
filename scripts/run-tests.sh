#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root): installs the
# packages, builds, starts a throwaway PostgreSQL, runs every test binary, and
# ends with one line "N passed, M failed" (Catch2 test cases).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
# The official client libraries used by the compat suite (pinned by the lock).
npm ci --prefix tests/compat --no-audit --no-fund --loglevel=error >/dev/null

# Outside the clone: the cluster runs as `postgres`, which may not be able to
# enter the clone's directory.
work=$(mktemp -d /tmp/adbatch-test.XXXXXX)
chmod 0755 "$work"
ADBATCH_TEST_PG=$(bash scripts/test-pg.sh start "$work/pg")
export ADBATCH_TEST_PG
export ADBATCH_TEST_PG_DIR="$work/pg"
export ADBATCH_TEST_TMP="$work"
trap 'bash scripts/test-pg.sh stop "$work/pg"; rm -rf "$work"' EXIT

status=0
meson test -C build --no-rebuild --print-errorlogs --num-processes 2 \
  --timeout-multiplier 3 || status=$?
python3 scripts/summarize-tests.py build/meson-logs/testlog.json || status=1
exit $status
