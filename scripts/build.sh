#!/usr/bin/env bash
# Builds the native addon (release profile, no LTO), lays out the platform package, and installs
# the addon as a real folder at node_modules/@candle-annotator/engine for the web app.
#   --addon-only   skip the web app build
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
ADDON_ONLY=0; [ "${1:-}" = "--addon-only" ] && ADDON_ONLY=1

log() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

log "cargo (target dir: $CARGO_TARGET_DIR)"
start=$(date +%s)
napi build --platform --release --output-dir . >/tmp/candle-napi-build.log 2>&1 || { tail -60 /tmp/candle-napi-build.log; exit 1; }
log "addon built in $(( $(date +%s) - start )) s"

NODE_FILE="candle-annotator.linux-x64-gnu.node"
# Line tables stay in the target dir for backtraces; the shipped addon drops them (≈280 MB → ≈35 MB).
strip --strip-debug "$NODE_FILE"
# libxgboost is a shared library (the xgb crate links it dynamically): ship it beside the .node,
# which finds it through its $ORIGIN rpath. Strip it: 200+ MB of debug info otherwise.
XGB_LIB=$(ls -t "$CARGO_TARGET_DIR"/release/build/xgboost_lib-sys-*/out/lib/libxgboost.so* 2>/dev/null | head -1)
[ -n "$XGB_LIB" ] || { echo "libxgboost.so not found under $CARGO_TARGET_DIR/release/build" >&2; exit 1; }
XGB_SONAME=$(objdump -p "$XGB_LIB" | awk '/SONAME/ {print $2}')
if [ ! -f "$XGB_SONAME" ] || [ "$XGB_LIB" -nt "$XGB_SONAME" ]; then
  cp "$XGB_LIB" "$XGB_SONAME.tmp" && strip --strip-unneeded "$XGB_SONAME.tmp" && mv "$XGB_SONAME.tmp" "$XGB_SONAME"
fi

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
