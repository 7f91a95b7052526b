#!/usr/bin/env bash
# Distributed-training benchmark (npm run bench:distributed): synthetic one-minute candles,
# trained by one process (the reference) and by 1, 2 and 3 worker processes on loopback, each
# worker under a memory cap set below what one process needs for the whole dataset (0.7 x the
# reference's peak). Prints wall time and peak RSS per worker, the per-candle cost and what a
# 1.3-billion-candle run needs (docs/scale.md). On 2 cores the workers share the CPU: the wall
# time does not fall, the memory per worker does.
#
#   bash bench/distributed/run.sh
#   CANDLES=600000 ROUNDS=10 WORKERS="2 3" bash bench/distributed/run.sh
#   KEEP=1 keeps the work folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/candle-bench-distributed.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
node bench/distributed/bench.js "$work"
