#!/usr/bin/env bash
# Runs the platforms' official client libraries against adbatch-sim.
# Usage: tests/compat/run.sh PATH/TO/adbatch-sim
# Needs tests/compat/node_modules (scripts/run-tests.sh runs `npm ci` here).
set -euo pipefail
sim=$(realpath "${1:?path to adbatch-sim}")
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules" ]; then
  echo "tests/compat/node_modules is missing: run 'npm ci --prefix tests/compat'" >&2
  exit 1
fi
work=$(mktemp -d)
# Ports apart from the simulator's defaults so a running node does not clash.
base_port=${ADBATCH_COMPAT_PORT:-28100}
cat >"$work/sim.yaml" <<YAML
control_port: $base_port
tls: true
tls_cert_path: $work/sim.pem
log_level: warn
platforms:
  meta: {port: $((base_port + 1))}
  google: {port: $((base_port + 2))}
  tiktok: {port: $((base_port + 3))}
  linkedin: {port: $((base_port + 4))}
  twitter: {port: $((base_port + 5))}
  snapchat: {port: $((base_port + 6))}
YAML
"$sim" --config "$work/sim.yaml" >"$work/sim.log" 2>&1 &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$base_port") 2>/dev/null && break
  sleep 0.05
done
[ -f "$work/sim.pem" ] || { cat "$work/sim.log" >&2; echo "adbatch-sim did not start" >&2; exit 1; }

export NODE_EXTRA_CA_CERTS="$work/sim.pem"
export META_BASE_URL="https://127.0.0.1:$((base_port + 1))"
export LINKEDIN_BASE_URL="https://127.0.0.1:$((base_port + 4))"
export X_BASE_URL="https://127.0.0.1:$((base_port + 5))"
# The newest LinkedIn-Version the simulator accepts is the current month.
export LINKEDIN_VERSION=$(date -u +%Y%m)

passed=0; failed=0
for script in meta linkedin x; do
  if node "$here/$script.cjs"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
# The Catch2-style summary line scripts/summarize-tests.py counts.
if [ "$failed" -eq 0 ]; then
  echo "All tests passed ($passed assertions in $passed test cases)"
else
  echo "test cases: $((passed + failed)) | $passed passed | $failed failed"
  cat "$work/sim.log" >&2
  exit 1
fi
