#!/usr/bin/env bash
# Training benchmark: the engine's training (engine.train, the whole in-process pipeline) against
# Python LightGBM / XGBoost on the same ~1,000,000-row matrix of the standard features.
#
# The engine's train API takes a pipeline config, not a raw matrix, so the benchmark goes through
# the pipeline: synthetic 1-minute candles (4 series) -> standard features (78, lags 5) -> TA-Lib
# auto-labels (engulfing, harami, doji, hammer; BIO, window 1, no look-ahead) -> dataset.csv
# (streamed to disk a block of candles at a time).
# The Python side trains on that dataset.csv's train/validation rows (converted once to .npy:
# the same rows, features and class ids) with the parameters the engine passes to the same
# libraries, evaluating the validation set every round as the engine does. Every training run is
# its own process (node per engine model, python per reference model), so peak RSS is per run.
#
#   bash bench/train/run.sh              (npm run bench:train)
#   ROWS=200000 ROUNDS=30 MODELS="lightgbm xgboost" THREADS=2 bash bench/train/run.sh
#   KEEP=1 keeps the work folder (candles, configs, dataset.csv, .npy, registries).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
export ROWS=${ROWS:-1000000} ROUNDS=${ROUNDS:-50} THREADS=${THREADS:-2}
MODELS=${MODELS:-"lightgbm xgboost random_forest"}
work=$(mktemp -d "${TMPDIR:-/tmp}/candle-bench-train.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/train/make_data.js "$work"

results="$work/results.jsonl"
: >"$results"
matrix_done=0
for m in $MODELS; do
  echo "engine  $m ..." >&2
  e=$(node bench/train/engine_train.js "$work/config-$m.yaml")
  if [ "$matrix_done" = 0 ]; then
    # Once: the engine's dataset.csv -> the matrices both Python libraries read.
    python - "$e" "$work" <<'PY'
import json, subprocess, sys
e = json.loads(sys.argv[1])
subprocess.run([sys.executable, "bench/train/to_npy.py", e["datasetCsv"], e["datasetManifest"], sys.argv[2] + "/matrix"], check=True)
PY
    matrix_done=1
  fi
  echo "python  $m ..." >&2
  p=$(python bench/train/py_train.py "$m" "$work/matrix" "$ROUNDS" "$THREADS")
  printf '{"engine": %s, "python": %s}\n' "$e" "$p" >>"$results"
done

python - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
first = rows[0]["engine"]
print()
print(f"dataset: {first['trainRows']:,} training + {first['validationRows']:,} validation rows "
      f"(of ~{first['trainRows'] + first['validationRows']:,} + test) x 78 features; {first['rounds']} rounds")
print()
h = ("model", "engine fit s", "python fit s", "fit ratio", "engine total s", "eng peak MB", "eng fit +MB", "py peak MB", "py fit +MB", "peak ratio", "valid logloss eng / py")
print(f"{h[0]:<14} {h[1]:>12} {h[2]:>12} {h[3]:>9} {h[4]:>14} {h[5]:>11} {h[6]:>11} {h[7]:>10} {h[8]:>10} {h[9]:>10}  {h[10]}")
for r in rows:
    e, p = r["engine"], r["python"]
    assert e["trainRows"] == p["trainRows"], (e["trainRows"], p["trainRows"])
    e_fit = max(0.0, e["peakRssMb"] - e["rssAtFitMb"]) if e["peakRssMb"] > e["peakRssBeforeFitMb"] else 0.0
    p_fit = max(0.0, p["peakRssMb"] - p["rssBeforeFitMb"])
    print(f"{e['model']:<14} {e['fitSeconds']:>12.1f} {p['fitSeconds']:>12.1f} {e['fitSeconds'] / p['fitSeconds']:>8.2f}x "
          f"{e['totalSeconds']:>14.1f} {e['peakRssMb']:>11.0f} {e_fit:>11.0f} {p['peakRssMb']:>10.0f} {p_fit:>10.0f} "
          f"{e['peakRssMb'] / p['peakRssMb']:>9.2f}x  "
          f"{e['finalValidLogloss']:.6f} / {p['finalValidLogloss']:.6f}  ({p['library']})")
print()
print("engine stages (s), per model:")
for r in rows:
    e = r["engine"]
    print(f"  {e['model']:<14} " + "  ".join(f"{k} {v:.1f}" for k, v in e["stages"].items())
          + f"   (RSS when fit starts: {e['rssAtFitMb']:.0f} MB)")
print()
print("fit ratio = engine fit stage (matrix selection + Dataset/DMatrix + rounds with per-round validation,")
print("            timed from the progress events) / Python Dataset/DMatrix construction + training; < 1 = engine faster.")
print("engine total = the whole engine.train call: import, features, labels, dataset.csv, split, fit, evaluate, register.")
print("peak MB = the process's peak RSS (VmHWM / ru_maxrss): the engine process ran the whole pipeline")
print("          (dataset.csv streamed to disk), the Python one loaded the prepared float32 matrices and trained.")
print("peak ratio = engine peak / Python peak (the goal: <= 1.5x).")
print("fit +MB = peak RSS minus the RSS when fitting started (engine: at the 'fit' progress event; 0 when the")
print("          engine's peak came before fit); Python: after loading the matrices and importing the library.")
print("Python trained on the engine's dataset.csv rows (converted once to .npy), not on a matrix of its own.")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
