#!/usr/bin/env bash
# Every test: set-up, build, lint gates, then the Rust core (unit, integration, TA-Lib parity,
# MLflow), the addon's JS contract (Jest), the web app (Vitest), the browser scenarios (Chromium) and
# the Label Studio interop test against a real Label Studio.
# Prints the time of each phase.
set -uo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)
phase() { printf '\033[1;35m[test] %s: %s s\033[0m\n' "$1" "$2"; }

t=$(date +%s); bash scripts/setup.sh || exit 1; phase "set-up" $(( $(date +%s) - t ))
# Label Studio's venv (≈ 1 GB from PyPI) is needed only by the last suite: it downloads while the
# build keeps both cores busy, off the critical path. That suite waits for it and runs the
# (idempotent) install again, which finishes whatever a failed background run left undone.
mkdir -p .labelstudio
bash scripts/labelstudio.sh install >.labelstudio/install.log 2>&1 &
LS_INSTALL_PID=$!
trap 'kill "$LS_INSTALL_PID" 2>/dev/null || true' EXIT
t=$(date +%s); bash scripts/build.sh || exit 1; phase "build" $(( $(date +%s) - t ))
source scripts/env.sh

passed=0; failed=0; failures=(); failed_logs=()
# Each suite's output also goes to a log, so that a failure's details can be printed again at the
# end: CI shows the tail of the run, and a failed test's message is otherwise thousands of lines up.
LOGS=test-results/suites
rm -rf "$LOGS" && mkdir -p "$LOGS"
# Each suite has a time limit, far above what it takes (see README, "Cold CI"): a hang must fail its
# suite within minutes and let the others run, not use up CI's whole budget in silence.
suite() {
  local name=$1 limit=$2; shift 2
  printf '\n\033[1;35m==> %s\033[0m\n' "$name"
  local t0=$(date +%s) rc=0 log="$LOGS/$((passed + failed + 1)).log"
  timeout --kill-after=30 "$limit" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); echo "<== $name: ok ($(( $(date +%s) - t0 )) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); failed_logs+=("$log")
    [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "<== $name: TIMED OUT after $limit s (a hang: see the last test named above)"
    echo "<== $name: FAILED ($(( $(date +%s) - t0 )) s)"
  fi
}

suite "lint gates (fmt, clippy, prettier, tsc, eslint, feature graph)" 900 bash scripts/lint.sh
suite "cargo test (engine + binding)" 1200 cargo test --release --workspace --locked --no-fail-fast
suite "jest (addon JS contract)" 900 npx jest --runInBand
suite "vitest (web app)" 900 npm -w web run test
suite "playwright (browser)" 900 npm -w web run test:e2e
wait "$LS_INSTALL_PID" || echo "[test] the background Label Studio install failed (.labelstudio/install.log); the suite installs it again"
suite "label studio interop (a real Label Studio from PyPI)" 1500 bash -c 'bash scripts/labelstudio.sh install && npm -w web run test:labelstudio'

# What failed, again: Jest's and Vitest's failure blocks, failed cargo tests, panics, time-outs.
for i in "${!failures[@]}"; do
  printf '\n\033[1;31m==== what failed in %s (whole output: %s)\033[0m\n' "${failures[$i]}" "${failed_logs[$i]}"
  sed 's/\x1b\[[0-9;]*m//g' "${failed_logs[$i]}" |
    grep -P -A 25 '^ *● (?!Console)|^ *(✕|×|FAIL) |^test .* FAILED$|panicked at|^error(\[|:)|TIMED OUT|Test timeout|exceeded timeout' |
    head -n 200
  echo "-- its last lines:"; sed 's/\x1b\[[0-9;]*m//g' "${failed_logs[$i]}" | tail -n 15
done
echo
[ ${#failures[@]} -gt 0 ] && printf 'failed suite: %s\n' "${failures[@]}"
echo "suites: $passed passed, $failed failed (total $(( $(date +%s) - T0 )) s)"
[ "$failed" -eq 0 ]
