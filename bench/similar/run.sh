#!/usr/bin/env bash
# "Find similar" benchmark: a 50-candle query against 10,000,000 candles, the engine (through the
# addon, as the app calls it) next to STUMPY's mass / match on the same files in the same run.
# Wall-clock and CPU seconds (all threads; on a busy machine CPU shows the work itself), best of
# REPEATS; the engine's and STUMPY's best window and distance must agree.
#   bash bench/similar/run.sh            N=1000000 M=100 REPEATS=5 bash bench/similar/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
N=${N:-10000000} M=${M:-50} REPEATS=${REPEATS:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
node bench/similar/make_data.js "$work" "$N" "$M"
echo "machine: $(nproc) cores; query $M candles, series $N candles; best of $REPEATS runs"
{ node bench/similar/engine.js "$work" "$REPEATS"; python bench/similar/reference.py "$work" "$REPEATS"; } > "$work/out.jsonl"
python - "$work/out.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"\n{'':<24} {'wall s':>8} {'CPU s':>8} {'M candles/s':>12}  best distance  best start")
for r in rows:
    print(f"{r['name']:<24} {r['seconds']:>8.3f} {r['cpuSeconds']:>8.3f} {r['candles'] / r['seconds'] / 1e6:>12.1f}  {r['distance'][0]:>13.6f}  {r['top'][0]:>10}")
engine = next(r for r in rows if r["name"] == "close, exact length")
mass = next(r for r in rows if r["name"] == "stumpy.mass")
match = next(r for r in rows if r["name"].startswith("stumpy.match"))
assert abs(engine["distance"][0] - mass["distance"][0]) < 1e-6, (engine["distance"][0], mass["distance"][0])
assert engine["top"][0] == mass["top"][0], (engine["top"][0], mass["top"][0])
print(f"\nsame best window and distance as stumpy.mass; engine exact length vs stumpy.mass: "
      f"{mass['seconds'] / engine['seconds']:.1f}x faster, vs stumpy.match: {match['seconds'] / engine['seconds']:.1f}x")
PY
