#!/usr/bin/env bash
# Builds the native addon (release profile, no LTO), lays out the platform package, and installs
# the addon as a real folder at node_modules/@candle-annotator/engine for the web app.
#   --addon-only   skip the web app build
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
ADDON_ONLY=0; [ "${1:-}" = "--addon-only" ] && ADDON_ONLY=1

log() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

mkdir -p "$CARGO_TARGET_DIR"
# One log per run (concurrent builds never share a file); cargo's JSON messages go to their own file
# so the libraries its build scripts produced are located from cargo's own output.
BUILD_LOG=$(mktemp "$CARGO_TARGET_DIR/napi-build.XXXXXX.log")
MESSAGES="${BUILD_LOG%.log}.jsonl"
log "cargo (target dir: $CARGO_TARGET_DIR, triple: $CARGO_BUILD_TARGET, log: $BUILD_LOG)"
start=$(date +%s)
if ! napi build --platform --release --target "$CARGO_BUILD_TARGET" --output-dir . \
    -- --locked --message-format=json-render-diagnostics >"$MESSAGES" 2>"$BUILD_LOG"; then
  echo "[build] FAILED: napi build (cargo) exited non-zero; the last lines of $BUILD_LOG:" >&2
  tail -60 "$BUILD_LOG" >&2
  exit 1
fi
log "addon built in $(( $(date +%s) - start )) s"

NODE_FILE="candle-annotator.linux-x64-gnu.node"
[ -f "$NODE_FILE" ] || { echo "[build] FAILED: napi build succeeded but wrote no $NODE_FILE" >&2; exit 1; }
# Line tables stay in the target dir for backtraces; the shipped addon drops them (≈280 MB → ≈35 MB).
strip --strip-debug "$NODE_FILE"
# libxgboost is a shared library (the xgb crate links it dynamically): ship it beside the .node,
# which finds it through its $ORIGIN rpath. Strip it: 200+ MB of debug info otherwise.
if ! XGB_LIB=$(node scripts/lib/cargo-outputs.js "$MESSAGES" shared-lib xgboost_lib-sys xgboost); then
  echo "[build] FAILED: could not locate libxgboost from cargo's messages ($MESSAGES)" >&2
  exit 1
fi
XGB_SONAME=$(objdump -p "$XGB_LIB" | awk '/SONAME/ {print $2}')
[ -n "$XGB_SONAME" ] || { echo "[build] FAILED: $XGB_LIB has no SONAME" >&2; exit 1; }
if [ ! -f "$XGB_SONAME" ] || [ "$XGB_LIB" -nt "$XGB_SONAME" ]; then
  cp "$XGB_LIB" "$XGB_SONAME.tmp" && strip --strip-unneeded "$XGB_SONAME.tmp" && mv "$XGB_SONAME.tmp" "$XGB_SONAME"
fi
rm -f "$MESSAGES"
# Keep the newest few build logs for diagnosis, not one per run forever.
ls -t "$CARGO_TARGET_DIR"/napi-build.*.log 2>/dev/null | tail -n +6 | xargs -r rm -f

# The napi platform package (what a published build would ship).
PLATFORM_DIR=npm/linux-x64-gnu
cp "$NODE_FILE" "$XGB_SONAME" "$PLATFORM_DIR/"

# The web app loads the addon from a real folder in node_modules: Turbopack does not follow
# an npm-workspace symlink to a native addon, and serverExternalPackages needs a package.
DEST=node_modules/@candle-annotator/engine
rm -rf "$DEST.tmp" && mkdir -p "$DEST.tmp"
cp index.js index.d.ts "$NODE_FILE" "$XGB_SONAME" "$DEST.tmp/"
node -e '
const p = require("./package.json");
const out = { name: p.name, version: p.version, main: "index.js", types: "index.d.ts", private: true };
require("fs").writeFileSync(process.argv[1], JSON.stringify(out, null, 2) + "\n");
' "$DEST.tmp/package.json"
rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"
log "addon installed at $DEST"

if [ "$ADDON_ONLY" = 0 ] && [ -f web/package.json ] && grep -q '"build"' web/package.json; then
  log "web app (next build)"
  npm -w web run build
fi
