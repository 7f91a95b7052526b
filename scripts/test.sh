#!/usr/bin/env bash
# Every test: set-up, build, then the Rust core (unit, integration, TA-Lib parity, MLflow),
# the addon's JS contract (Jest), the web app (Vitest) and the browser scenario (Chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
bash scripts/build.sh || exit 1
source scripts/env.sh

passed=0; failed=0; failures=()
suite() {
  local name=$1; shift
  printf '\n\033[1;35m==> %s\033[0m\n' "$name"
  local t0=$(date +%s)
  if "$@"; then passed=$((passed + 1)); echo "<== $name: ok ($(( $(date +%s) - t0 )) s)"
  else failed=$((failed + 1)); failures+=("$name"); echo "<== $name: FAILED ($(( $(date +%s) - t0 )) s)"; fi
}

suite "cargo test (engine + binding)" cargo test --release --workspace --no-fail-fast
suite "jest (addon JS contract)" npx jest --runInBand
if [ -f web/package.json ] && grep -q '"test"' web/package.json; then
  suite "vitest (web app)" npm -w web run test
fi
if [ -f web/package.json ] && grep -q '"test:e2e"' web/package.json; then
  suite "playwright (browser)" npm -w web run test:e2e
fi

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed suite: %s\n' "${failures[@]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
