#!/usr/bin/env bash
# /api/predict over HTTP on loopback against the BUILT app (run `npm -w web run build` first):
# `next start` on a free port with a temp database and a temp registry holding a freshly trained
# model; 500-candle requests with 1 and 8 keep-alive clients (p50/p99 latency, throughput), and
# /api/predict/batch (32 × 500 candles per request) in candles/s. No assertions.
#   bash bench/predict/run.sh            REQUESTS=5000 BATCHES=200 bash bench/predict/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
REQUESTS=${REQUESTS:-2000}
BATCHES=${BATCHES:-100}
if [ ! -f web/.next/BUILD_ID ]; then
  echo "web/.next is missing: run 'npm -w web run build' first" >&2
  exit 1
fi
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/models" "$work/data"
node bench/predict/setup.js "$work/models" "$work"
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
(cd web && CANDLE_DB_PATH="$work/data/bench.db" CANDLE_DEMO_DATA=0 CANDLE_MODELS_DIR="$work/models" NODE_ENV=production \
  exec "$ROOT/node_modules/.bin/next" start --hostname 127.0.0.1 --port "$port") >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/api/models" >/dev/null 2>&1 && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.5
done
base="http://127.0.0.1:$port"
echo "machine: $(nproc) cores; next start on $base; $REQUESTS requests per run"
printf '\n%-32s %11s %10s %10s %12s %14s\n' run requests p50_ms p99_ms req/s candles/s
report() {
  node -e "const r=JSON.parse(process.argv[2]);console.log(process.argv[1].padEnd(32),String(r.requests).padStart(11),r.p50.toFixed(2).padStart(10),r.p99.toFixed(2).padStart(10),r.rps.toFixed(1).padStart(12),Math.round(r.candlesPerSecond).toLocaleString('en-US').padStart(14))" "$1" "$2"
}
report "predict 500 candles, 1 client" "$(node bench/predict/load.js "$base/api/predict" "$work/predict.json" 1 "$REQUESTS" 500)"
report "predict 500 candles, 8 clients" "$(node bench/predict/load.js "$base/api/predict" "$work/predict.json" 8 "$REQUESTS" 500)"
report "batch 32x500 candles, 1 client" "$(node bench/predict/load.js "$base/api/predict/batch" "$work/batch.json" 1 "$BATCHES" 16000)"
report "batch 32x500 candles, 4 clients" "$(node bench/predict/load.js "$base/api/predict/batch" "$work/batch.json" 4 "$BATCHES" 16000)"
