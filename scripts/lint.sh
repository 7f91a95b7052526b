#!/usr/bin/env bash
# Lint gates (run by `npm test` before the long suites; `npm run lint` alone): Rust formatting and
# clippy, one formatter (Prettier) for all JS/TS, the web app's type check, ESLint (hooks, Next's
# rules, import cycles, feature entry points) and the feature graph (features form no cycle).
# Every gate runs; the script fails if any failed and names them.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

failed=()
gate() {
  local name=$1; shift
  printf '\033[1;33m[lint]\033[0m %s\n' "$name"
  "$@" || failed+=("$name")
}

gate "cargo fmt --check" cargo fmt --all --check
gate "cargo clippy -D warnings" cargo clippy --release --workspace --all-targets --locked --quiet -- -D warnings
gate "prettier --check" npx prettier --check --log-level warn .
gate "tsc --noEmit (web)" npm -w web run --silent typecheck
gate "eslint (web)" npm -w web run --silent lint
gate "feature graph (web)" node web/scripts/check-feature-graph.mjs

if [ ${#failed[@]} -gt 0 ]; then
  printf '\033[1;31m[lint] failed:\033[0m %s\n' "${failed[@]}"
  exit 1
fi
echo "[lint] all gates passed"
