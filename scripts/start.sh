#!/usr/bin/env bash
# Set-up, build, and serve the annotation app with the demo datasets on http://localhost:3000
# (PORT overrides). Data lives in SQLite (web/.data/candle.db); models in models/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh
if [ -f web/package.json ] && grep -q '"start"' web/package.json; then
  echo "Candle Annotator: http://localhost:${PORT:-3000}"
  exec npm -w web run start
fi
exec node scripts/demo.js
