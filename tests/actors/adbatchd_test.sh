#!/usr/bin/env bash
# Integration test over the real adbatchd binary (meson suite 'node'):
# --check-config on the example (0) and on a misspelt copy (2, key path and
# line on stderr), --print-config with an environment override, a bad flag,
# and a run that starts the node, sends SIGINT and expects a clean exit 0.
#
# Usage: adbatchd_test.sh ADBATCHD EXAMPLE_YAML
# Uses ADBATCH_TEST_PG (as ADBATCH_DATABASE_URL) once storage is a child;
# without storage in the tree the run needs no database.
set -u
exe=$1
example=$2
tmp=$(mktemp -d "${ADBATCH_TEST_TMP:-/tmp}/adbatchd-test.XXXXXX")
# mktemp makes it 0700; an embedded PostgreSQL runs as `postgres` and must
# be able to enter its data_dir below.
chmod 0755 "$tmp"
node_pid=
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -KILL "$node_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
ok() { echo "ok - $1"; }
not_ok() {
  echo "FAIL - $1"
  shift
  for f in "$@"; do
    echo "--- $f"
    cat "$f"
  done
  failures=$((failures + 1))
}

# 1. The example config is valid.
"$exe" --check-config "$example" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -qF "config OK: $example" "$tmp/out"; then
  ok "--check-config accepts the example"
else
  not_ok "--check-config accepts the example (rc=$rc)" "$tmp/out" "$tmp/err"
fi

# 2. A misspelt key is rejected with its key path and line.
bad="$tmp/bad.yaml"
sed '0,/^    flush_interval:/s//    flush_intervall:/' "$example" >"$bad"
line=$(grep -n '^    flush_intervall:' "$bad" | head -1 | cut -d: -f1)
"$exe" --check-config "$bad" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF "platforms.meta.flush_intervall" "$tmp/err" \
  && grep -qF ":$line:" "$tmp/err"; then
  ok "--check-config rejects a misspelt key (line $line)"
else
  not_ok "--check-config rejects a misspelt key at line $line (rc=$rc)" \
    "$tmp/out" "$tmp/err"
fi

# 3. Environment overrides show in --print-config.
PLATFORM_BATCH_META_ENABLED=false "$exe" --print-config "$example" \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
meta_enabled=$(awk '/^platforms:/ {p=1} p && /^  meta:/ {m=1; next}
  m && /^    enabled:/ {print $2; exit}' "$tmp/out")
if [ $rc -eq 0 ] && [ "$meta_enabled" = "false" ]; then
  ok "--print-config shows PLATFORM_BATCH_META_ENABLED=false"
else
  not_ok "--print-config shows meta disabled (rc=$rc, got '$meta_enabled')" \
    "$tmp/out" "$tmp/err"
fi

# 4. --print-config without a file prints the defaults.
"$exe" --print-config >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^  name: adbatch-1' "$tmp/out"; then
  ok "--print-config without a file prints the defaults"
else
  not_ok "--print-config without a file (rc=$rc)" "$tmp/out" "$tmp/err"
fi

# 5. An unknown flag is a usage error.
"$exe" --no-such-flag >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ]; then
  ok "an unknown flag exits 2"
else
  not_ok "an unknown flag exits 2 (rc=$rc)" "$tmp/out" "$tmp/err"
fi

# 6. The node starts, logs "is up", stops on SIGINT and exits 0.
run_cfg="$tmp/run.yaml"
cat >"$run_cfg" <<EOF
node:
  name: test-node
  http: {address: 127.0.0.1, port: 0}
  caf: {address: 127.0.0.1, port: 0}
  data_dir: $tmp/var
logging:
  level: debug
EOF
if [ -n "${ADBATCH_TEST_PG:-}" ]; then
  export ADBATCH_DATABASE_URL="$ADBATCH_TEST_PG"
fi
"$exe" --config "$run_cfg" >"$tmp/node.out" 2>"$tmp/node.err" &
node_pid=$!
up=0
# Poll the log for the "is up" line: at most 60 s, in 0.1 s steps.
for _ in $(seq 1 600); do
  if grep -q "adbatchd test-node is up" "$tmp/node.err" "$tmp/node.out"; then
    up=1
    break
  fi
  kill -0 "$node_pid" 2>/dev/null || break
  sleep 0.1
done
if [ $up -eq 1 ]; then
  ok "the node logs 'is up'"
  kill -INT "$node_pid"
  # At most 60 s for the orderly stop.
  for _ in $(seq 1 600); do
    kill -0 "$node_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$node_pid" 2>/dev/null; then
    not_ok "the node stops on SIGINT within 60 s" "$tmp/node.err"
  else
    wait "$node_pid"
    rc=$?
    node_pid=
    if [ $rc -eq 0 ] && grep -q "adbatchd stopped" "$tmp/node.err" "$tmp/node.out"; then
      ok "SIGINT stops the node cleanly (exit 0)"
    else
      not_ok "SIGINT stops the node cleanly (rc=$rc)" "$tmp/node.out" \
        "$tmp/node.err"
    fi
  fi
else
  not_ok "the node logs 'is up'" "$tmp/node.out" "$tmp/node.err"
fi

# 7. SIGINT while the start hangs (storage cannot reach its database) stops
# the node at once, exit 0, without waiting for the readiness timeout.
ADBATCH_DATABASE_URL="host=$tmp/no-such-socket-dir user=postgres dbname=postgres" \
  "$exe" --config "$run_cfg" >"$tmp/hang.out" 2>"$tmp/hang.err" &
node_pid=$!
for _ in $(seq 1 600); do
  grep -q "supervisor starts" "$tmp/hang.err" && break
  kill -0 "$node_pid" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$node_pid" 2>/dev/null
for _ in $(seq 1 600); do
  kill -0 "$node_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$node_pid" 2>/dev/null; then
  not_ok "SIGINT during a hanging start stops the node within 60 s" \
    "$tmp/hang.err"
else
  wait "$node_pid"
  rc=$?
  node_pid=
  if [ $rc -eq 0 ] && ! grep -q "is up" "$tmp/hang.err"; then
    ok "SIGINT during a hanging start stops the node (exit 0)"
  else
    not_ok "SIGINT during a hanging start (rc=$rc)" "$tmp/hang.err"
  fi
fi

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
