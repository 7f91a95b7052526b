#!/usr/bin/env bash
# DVC from the project venv, run at the repo root, with usage analytics off:
#   bash scripts/dvc.sh repro | status | push | pull | metrics show | plots show ...
# (npm run dvc -- <args>, npm run pipeline, npm run pipeline:<stage>; docs/training.md)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
command -v dvc >/dev/null || { echo "dvc not found in $ROOT/.venv: run scripts/setup.sh" >&2; exit 1; }
export DVC_NO_ANALYTICS=1
exec dvc "$@"
