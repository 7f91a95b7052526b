#!/usr/bin/env bash
# Scale benchmark (issue 14, "scale in data"): a 10M-row 1-minute OHLCV CSV (seeded, written to
# a temp dir) imported by the engine (importCsv, as the upload route calls it) next to pandas
# read_csv + the same candle rules in the same run; then the same file uploaded through the built
# app's dataset route and opened in headless Chromium with spans and a trained model's predictions
# (windows that follow the view): first paint, predictions shown, pan/zoom frames, and the time
# from a far pan to the new range's predictions.
#   bash bench/scale/run.sh                    ROWS=2000000 bash bench/scale/run.sh
#   SKIP_APP=1 bash bench/scale/run.sh         (import and SQLite figures only; no build, no browser)
# Between the halves, bench/scale/sqlite_store.js times the app's SQLite block storage of the same
# number of candles next to the disk writing and flushing the same bytes.
# Needs the addon (npm run build:addon), the venv (npm run setup); the app half builds web/ if
# its build is older than the sources (web/scripts/e2e.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
ROWS=${ROWS:-10000000}
REPEATS=${REPEATS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/candle-scale-XXXXXX"); trap 'rm -rf "$work"' EXIT
csv="$work/ohlcv-1m.csv"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load: $(uptime | sed 's/.*load average: //')"
node bench/scale/make_csv.js "$csv" "$ROWS"

# Each side starts after a pause: on a VM with free page reporting (this one's kernel logs "Free
# page reporting enabled") memory freed more than ~2 s ago goes back to the host, and the next
# process to touch it pays ≈ 1 s more system time per 2 GB. Without the pause the second side would
# start on memory the first had just freed (pandas ran 7.0 s right after the engine, 8.0 s cold).
sleep 5
e=$(node bench/scale/import_addon.js "$csv" "$REPEATS")
sleep 5
p=$(python bench/scale/reference.py "$csv" "$REPEATS")
python - "$e" "$p" <<'PY'
import json, sys
e, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert e["rows"] == p["rows"], (e, p)
re, rp = e["rows"] / e["seconds"], p["rows"] / p["seconds"]
print(f"\nimport of {e['rows']:,} rows, best of runs and the first run (goal >= 1,000,000 rows/s)")
print(f"{'':<36} {'seconds':>8} {'rows/s':>12} {'first s':>8} {'peak MB':>8}")
print(f"{'engine importCsv (addon)':<36} {e['seconds']:>8.2f} {re:>12,.0f} {e['firstSeconds']:>8.2f} {e['peakRssMb']:>8.0f}")
print(f"{'pandas read_csv + candle rules':<36} {p['seconds']:>8.2f} {rp:>12,.0f} {p['firstSeconds']:>8.2f} {p['peakRssMb']:>8.0f}")
print(f"ratio engine / pandas: {re / rp:.2f}x best, {p['firstSeconds'] / e['firstSeconds']:.2f}x first run")
PY

echo
node bench/scale/sqlite_store.js "$ROWS"

[ "${SKIP_APP:-0}" = 1 ] && exit 0
log="$work/app.log"
SCALE_CSV="$csv" E2E_CONFIG=../bench/scale/vitest.config.mts node web/scripts/e2e.mjs >"$log" 2>&1 || {
  tail -n 60 "$log"
  echo "app half failed (log above)" >&2
  exit 1
}
python - "$(grep -o 'SCALE_RESULT .*' "$log" | head -1 | cut -d' ' -f2-)" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"\napp: {r['rows']:,} rows, {r['spans']:,} spans, predictions of model {r['model']} (a small LightGBM trained on the AAPL sample)")
print(f"  {r['predictionWindow']}")
print(f"upload route (POST /api/datasets, import + SQLite): {r['uploadSeconds']:.1f} s = {r['uploadRowsPerSecond']:,.0f} rows/s (goal >= 1,000,000)")
phases = [p.split(";dur=") for p in r["uploadPhases"].split(", ") if ";dur=" in p]
print("  server phases (Server-Timing): " + ", ".join(f"{name} {float(ms) / 1000:.1f} s" for name, ms in phases)
      + f"; the rest ({r['uploadSeconds'] - sum(float(ms) for _, ms in phases) / 1000:.1f} s) is the client sending, Next's handling and the reply")
dialog = r["dialogPreviewSeconds"] + r["dialogImportSeconds"]
def phases_of(header):
    return ", ".join(f"{name} {float(ms) / 1000:.1f} s" for name, ms in (p.split(";dur=") for p in header.split(", ") if ";dur=" in p))
print(f"upload dialog in Chromium (file chosen from disk): preview {r['dialogPreviewSeconds']:.1f} s, then Import {r['dialogImportSeconds']:.1f} s"
      f" = {dialog:.1f} s, {r['rows'] / dialog:,.0f} rows/s for what a user waits")
print(f"  server phases: preview {phases_of(r['dialogPreviewPhases'])}; Import (the preview's staged parse) {phases_of(r['dialogImportPhases'])}")
fp = ", ".join(f"{x:.0f}" for x in r["firstPaintMs"])
print(f"first paint (navigation -> candles drawn), 3 warm loads: {fp} ms (goal <= 1500)")
print("  the last load's requests (ms from navigation start): " + "; ".join(r["firstPaintTrace"]))
ps = ", ".join(f"{x:.0f}" for x in r["predictionsShownMs"])
print(f"navigation -> predictions shown, same loads: {ps} ms")
pp = ", ".join(f"{x:.0f}" for x in r["panToPredictionsMs"])
print(f"far pan (Home, End, Home) -> the new range's predictions shown: {pp} ms")
f = r["frameMs"]
print(f"pan/zoom frame intervals (predictions on) over {r['frames']} frames: p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms (goal <= 16; 16.7 = every 60 Hz frame drawn)")
print("  frames over 20 ms: " + ("; ".join(r["slowFrames"]) or "none"))
print("  tasks over 50 ms meanwhile: " + ("; ".join(r["longTasks"]) or "none"))
sp = ", ".join(f"{x:.0f}" for x in r["selectToPickerMs"])
print(f"  selection (pointerup) -> first frame with the label picker, 4 drags: {sp} ms")
PY
