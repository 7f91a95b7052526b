#!/usr/bin/env bash
# Memory at scale: peak RSS of the long-series calls next to the size of their own results, each
# call in a fresh process. A model is trained first (the small predict fixture, 139-wide rows of
# geometry and indicators, two TA-Lib labels). Sizes in millions of candles:
#   bash bench/memory/run.sh                 SIZES="1 2" bash bench/memory/run.sh
#   SIZES=10 WHAT="features predict" bash bench/memory/run.sh    (needs ~25 GB free)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
SIZES=${SIZES:-"1 2"}
WHAT=${WHAT:-"features autolabel predict predict-per-candle predict-batch"}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
node -e '
  const engine = require(".");
  const config = { ...require("./__test__/fixtures/predict-small.json") };
  config.model = { ...config.model, threads: 2 };
  config.registry = { root: process.argv[1] + "/models", name: "bench-memory" };
  config.dataset = { ...config.dataset, output_dir: process.argv[1] + "/dataset" };
  engine.train({ config, rootDir: process.cwd() }).then((o) => console.error(`model ${o.version} trained`));
' "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
for m in $SIZES; do
  for what in $WHAT; do
    node bench/memory/measure.js "$what" $((m * 1000000)) "$work/models"
  done
done
