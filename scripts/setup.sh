#!/usr/bin/env bash
# One-time (idempotent) set-up of everything the build, the app and the tests need on a fresh
# Debian machine that already has Rust, Node 20 and Python 3.11. Safe to run again: each step
# checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# --- system packages -------------------------------------------------------------------------
# libclang-dev: bindgen (xgboost / lightgbm -sys crates); cmake + ninja: their C++ builds;
# libgomp1: OpenMP runtime both load; chromium: the browser tests (no browser downloads here);
# postgresql: MLflow's backend store in the Postgres test (scripts/postgres.sh runs a private cluster).
APT_PKGS=(libclang-dev cmake ninja-build libgomp1 chromium pkg-config postgresql)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- python tools (one venv for the project) -------------------------------------------------
# cmake>=3.28 for LightGBM 4.7 (Debian 12 ships 3.25); ta-lib + numpy for the parity test and the
# benchmarks; mlflow and dvc for tracking and pipeline tests; lightgbm / xgboost for the training
# benchmark reference.
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  python3 -m venv "$VENV"
fi
# pip and npm (below) mostly wait on the network, so they run side by side: on a cold machine that
# takes the shorter of the two (≈ 2 minutes) off the set-up.
REQ="$ROOT/scripts/requirements.txt"
STAMP="$VENV/.req-$(sha1sum "$REQ" | cut -c1-12)"
PIP_PID=""
if [ ! -f "$STAMP" ]; then
  log "pip install -r scripts/requirements.txt"
  ( "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" && rm -f "$VENV"/.req-* && touch "$STAMP" ) &
  PIP_PID=$!
  trap 'kill "$PIP_PID" 2>/dev/null || true' EXIT
fi

# --- node packages -----------------------------------------------------------------------------
NPM_RC=0
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error || NPM_RC=$?
fi
PIP_RC=0
if [ -n "$PIP_PID" ]; then
  wait "$PIP_PID" || PIP_RC=$?
  trap - EXIT
fi
[ "$PIP_RC" -eq 0 ] || { echo "[setup] FAILED: pip install -r scripts/requirements.txt exited $PIP_RC" >&2; exit 1; }
[ "$NPM_RC" -eq 0 ] || { echo "[setup] FAILED: npm ci exited $NPM_RC" >&2; exit 1; }
log "done"
