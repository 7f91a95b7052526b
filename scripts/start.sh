#!/usr/bin/env bash
# Set-up, build, and serve the annotation app with the demo datasets on http://localhost:3000
# (PORT overrides). Data lives in SQLite (web/.data/candle.db); models in models/.
# Listens on 127.0.0.1 only; `npm start -- --host 0.0.0.0` (or CANDLE_HOST) serves other
# machines, with sign-in. `npm start -- --no-auth`: single-user mode, loopback only.
# The first start prints a one-time admin password (docs/security.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh
if [ -f web/package.json ] && grep -q '"start"' web/package.json; then
  exec npm -w web run start -- "$@"
fi
exec node scripts/demo.js
