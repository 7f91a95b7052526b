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
t=$(date +%s); bash scripts/build.sh || exit 1; phase "build" $(( $(date +%s) - t ))
source scripts/env.sh

passed=0; failed=0; failures=()
suite() {
  local name=$1; shift
  printf '\n\033[1;35m==> %s\033[0m\n' "$name"
  local t0=$(date +%s)
  if "$@"; then passed=$((passed + 1)); echo "<== $name: ok ($(( $(date +%s) - t0 )) s)"
  else failed=$((failed + 1)); failures+=("$name"); echo "<== $name: FAILED ($(( $(date +%s) - t0 )) s)"; fi
}

suite "lint gates (fmt, clippy, prettier, tsc, eslint, feature graph)" bash scripts/lint.sh
suite "cargo test (engine + binding)" cargo test --release --workspace --locked --no-fail-fast
suite "jest (addon JS contract)" npx jest --runInBand
suite "vitest (web app)" npm -w web run test
suite "playwright (browser)" npm -w web run test:e2e
suite "label studio interop (a real Label Studio from PyPI)" bash -c 'bash scripts/labelstudio.sh install && npm -w web run test:labelstudio'

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed suite: %s\n' "${failures[@]}"
echo "suites: $passed passed, $failed failed (total $(( $(date +%s) - T0 )) s)"
[ "$failed" -eq 0 ]
