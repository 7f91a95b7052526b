#!/usr/bin/env bash
# A real Label Studio for the interop test (web/tests/labelstudio/), in its own venv under
# .labelstudio/ (gitignored; ≈1 GB). Idempotent like scripts/setup.sh: each step checks first.
#
#   bash scripts/labelstudio.sh install              create .labelstudio/venv with the pinned label-studio
#   bash scripts/labelstudio.sh start DATA_DIR PORT  install if needed, then run it in the foreground on
#                                                    127.0.0.1:PORT with sqlite in DATA_DIR
#
# `start` creates the admin user non-interactively from LABEL_STUDIO_USERNAME (an email),
# LABEL_STUDIO_PASSWORD and LABEL_STUDIO_USER_TOKEN (its API token, for `Authorization: Token …`),
# and sets what a stock Label Studio needs to use an ML backend on this machine:
# ML_BLOCK_LOCAL_IP=false and SSRF_PROTECTION_ENABLED=false (it refuses loopback/private addresses
# otherwise), legacy API tokens enabled (the token it sends to /setup for reading task files is
# one), and LABEL_STUDIO_HOST so that token is sent with the right address.
#
# The version is pinned: the test drives Label Studio's REST API, whose shapes change between releases.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LS_VERSION=${LABEL_STUDIO_VERSION:-1.23.2}
LS_HOME="$ROOT/.labelstudio"
VENV="$LS_HOME/venv"
log() { printf '\033[1;34m[labelstudio]\033[0m %s\n' "$*" >&2; }

install() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    mkdir -p "$LS_HOME"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.label-studio-$LS_VERSION"
  if [ ! -f "$stamp" ]; then
    log "pip install label-studio==$LS_VERSION (≈1 GB, a few minutes the first time)"
    "$VENV/bin/pip" install -q --disable-pip-version-check "label-studio==$LS_VERSION"
    rm -f "$VENV"/.label-studio-*; touch "$stamp"
  fi
}

start() {
  local data_dir=${1:?usage: $0 start DATA_DIR PORT} port=${2:?usage: $0 start DATA_DIR PORT}
  install
  mkdir -p "$data_dir"
  : "${LABEL_STUDIO_USERNAME:?set LABEL_STUDIO_USERNAME (an email)}"
  : "${LABEL_STUDIO_PASSWORD:?set LABEL_STUDIO_PASSWORD}"
  : "${LABEL_STUDIO_USER_TOKEN:?set LABEL_STUDIO_USER_TOKEN}"
  export LABEL_STUDIO_BASE_DATA_DIR="$data_dir" DJANGO_DB=sqlite \
    LABEL_STUDIO_HOST="http://127.0.0.1:$port" \
    ML_BLOCK_LOCAL_IP=false SSRF_PROTECTION_ENABLED=false \
    LATEST_VERSION_CHECK=false COLLECT_ANALYTICS=false SENTRY_DSN= FRONTEND_SENTRY_DSN= \
    LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true
  log "starting Label Studio $LS_VERSION on http://127.0.0.1:$port (data: $data_dir)"
  exec "$VENV/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --port "$port" \
    --data-dir "$data_dir" --enable-legacy-api-token \
    --username "$LABEL_STUDIO_USERNAME" --password "$LABEL_STUDIO_PASSWORD" --user-token "$LABEL_STUDIO_USER_TOKEN"
}

case "${1:-install}" in
  install) install ;;
  start) shift; start "$@" ;;
  *) echo "usage: $0 install | start DATA_DIR PORT" >&2; exit 2 ;;
esac
