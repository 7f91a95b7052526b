#!/usr/bin/env bash
# The quality benchmark (bench/quality/README.md): a fixed labelling of the shipped samples
# (short and long patterns) → the product's `train` with the shipped config → `predict` on three
# instruments held out of training, next to the Python reference (TA-Lib features + XGBoost), in
# one run; prints per-pattern macro-F1 per held-out instrument and the span-boundary shares.
#
#   bash bench/quality/run.sh                 (npm run bench:quality)
#   KEEP=1 keeps the work folder; THREADS=1 (default) for the reference's XGBoost; PYTHON=path
#   picks the interpreter (default: the project venv's, which has numpy, ta-lib and xgboost).
#   EXTRA="bio: dataset.encoding=bio model.type=lightgbm" adds a second product run with those
#   config overrides, printed as its own row (name before the colon).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
THREADS=${THREADS:-1}
PY=${PYTHON:-python}
work=$(mktemp -d "${TMPDIR:-/tmp}/candle-bench-quality.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

node -e 'console.log(JSON.stringify(require("./bench/quality/instruments.js").INSTRUMENTS))' >"$work/instruments.json"
node bench/quality/candles.js "$work/candles"
echo "labelling (spans per instrument):"
"$PY" bench/quality/labels.py "$work/candles" "$work/spans.json"
"$PY" bench/quality/reference.py "$work" "$THREADS"
node bench/quality/engine.js "$work"
if [ -n "${EXTRA:-}" ]; then
  name=${EXTRA%%:*}
  mkdir -p "$work/extra" && cp -r "$work/spans.json" "$work/extra/"
  # shellcheck disable=SC2086
  node bench/quality/engine.js "$work/extra" ${EXTRA#*:}
  cp "$work/extra/engine.json" "$work/engine-$name.json"
fi
echo
(cd bench/quality && "$PY" score.py "$work")
