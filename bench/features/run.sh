#!/usr/bin/env bash
# Feature computation benchmark: the engine (addon, Rust TA-Lib port + rayon) against Python
# TA-Lib + numpy computing the same 139 features, on 1,000,000 synthetic candles and on the real
# samples. Each side runs in its own process (so peak RSS is its own); best of REPEATS timed runs.
#   bash bench/features/run.sh            ROWS=200000 REPEATS=5 bash bench/features/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
REPEATS=${REPEATS:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
node bench/features/make_inputs.js "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); best of $REPEATS runs"
printf '\n%-26s %10s %14s %10s %14s %10s %8s\n' input candles engine_c/s eng_MB python_c/s py_MB ratio
for f in "$work"/*.f64; do
  name=$(basename "$f" .f64)
  e=$(node --expose-gc bench/features/engine.js "$f" "$REPEATS")
  p=$(python bench/features/reference.py "$f" "$REPEATS")
  python - "$name" "$e" "$p" <<'PY'
import json, sys
name, e, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
assert e["features"] == p["features"], (e, p)
ce, cp = e["candles"] / e["seconds"], p["candles"] / p["seconds"]
print(f"{name:<26} {e['candles']:>10,} {ce:>14,.0f} {e['peakRssMb']:>10.0f} {cp:>14,.0f} {p['peakRssMb']:>10.0f} {ce / cp:>7.2f}x")
PY
done
echo
echo "ratio = engine candles/s ÷ Python TA-Lib + numpy candles/s (same 139 features, same definitions)"
