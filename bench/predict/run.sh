#!/usr/bin/env bash
# Prediction over HTTP on loopback: the product against a Python reference service, in one run.
#   npm -w web run build && bash bench/predict/run.sh
#   REQUESTS=2000 REPEATS=5 MODELS="lightgbm" AUTH=off bash bench/predict/run.sh
# - Models of the size users train (bench/predict/setup.js): the 139 standard features, 5 classes,
#   200 rounds; LightGBM with up to 63 leaves per tree and XGBoost with depth 6.
# - Product: the BUILT web app (`next start`, the shipped path) with a temp registry holding both
#   models; POST /api/predict with 500 held-out IBM candles, as JSON columns, as the binary
#   Float64 columns (application/octet-stream), and as the chart asks: a time range of the IBM
#   dataset uploaded to it (`{ datasetId, from, to }`; read from SQLite with the context around it,
#   ≈ 1,060 candles scored).
# - Reference: bench/predict/reference_service.py — FastAPI + TA-Lib features + the SAME model
#   file loaded in Python's LightGBM / XGBoost, one uvicorn worker, in the project venv; its
#   range requests score the same candles around the range, from IBM held in memory.
# Each side: p50/p99 with 1 keep-alive client, p50 and throughput with 8, and the server's CPU
# time per request (user + system, all its threads: the machine is shared, CPU time shows the
# work). Runs alternate between the sides, REPEATS times; the table shows the median run of each
# (by p50) and the spread of p50 over the runs. Both sides must return the same spans. The
# "floor" rows are each server's cheapest request (no engine, no model), 1 client: what HTTP and
# the framework cost before any prediction work. Before any run the product is warmed up with
# WARMUP (2000) requests of each kind, unmeasured (V8's JIT; see below).
# The product's requests carry an API token (the guard checks it on every request, as in a
# deployment); AUTH=off serves in the single-user mode instead (no credentials to check).
# CPU_PROFILE=DIR: instead of the comparison, profile the product's server over REQUESTS JSON
# requests (CPU_PROFILE_BODY=binary: binary ones; =range: dataset-range ones) per model from 1
# client, after as many unprofiled ones (bench/lib/profile-on-signal.js), and print where its CPU
# time went per request (bench/lib/cpuprofile-summary.js); the profiles stay in DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
REQUESTS=${REQUESTS:-1000}
REPEATS=${REPEATS:-3}
BATCHES=${BATCHES:-50}
MODELS=${MODELS:-"lightgbm xgboost"}
AUTH=${AUTH:-token}
CPU_PROFILE=${CPU_PROFILE:-}
if [ ! -f web/.next/BUILD_ID ]; then
  echo "web/.next is missing: run 'npm -w web run build' first" >&2
  exit 1
fi
python -c 'import fastapi, uvicorn, talib, lightgbm, xgboost' 2>/dev/null || {
  echo "the project venv lacks the reference's packages: run 'npm run setup' (scripts/requirements.txt)" >&2
  exit 1
}
work=$(mktemp -d)
server_pid=""
reference_pid=""
stop() { if [ -n "${1:-}" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop "$server_pid"
  stop "$reference_pid"
  rm -rf "$work"
}
trap cleanup EXIT
# One field of the JSON on stdin, by its dotted path (`datasets.0.id`); arrays print comma-separated.
json_field() {
  node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(String(process.argv[1].split('.').reduce((v,k)=>v[k],JSON.parse(s)))))" "$1"
}
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_for() { # URL PID LOG
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "$1" 2>/dev/null && return 0
    if ! kill -0 "$2" 2>/dev/null; then cat "$3" >&2; exit 1; fi
    sleep 0.5
  done
  echo "timed out waiting for $1" >&2
  cat "$3" >&2
  exit 1
}

mkdir -p "$work/models" "$work/data"
# The CPU's family, model and clock too: the 2-core hosts this ran on differed 2-3x in speed (README).
cpu_id=$(awk -F': *' '/^cpu family/ && !f {f=$2} /^model\t/ && !m {m=$2} /^cpu MHz/ && !h {h=$2} END {printf "family %s model %s, %.0f MHz", f, m, h}' /proc/cpuinfo)
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p') ($cpu_id); AVX-512: $(grep -q avx512f /proc/cpuinfo && echo yes || echo no); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "training the benchmark models (5 classes, 200 rounds, 139 features) ..."
node bench/predict/setup.js "$work/models" "$work"
node -e '
const m = require(process.argv[1]);
for (const [k, v] of Object.entries(m))
  console.log(`  ${k.padEnd(9)} ${v.version}: ${v.classes} classes x ${v.rounds} rounds = ${v.trees} trees, leaves per tree mean ${v.meanLeaves.toFixed(1)} / max ${v.maxLeaves}; ${v.features} features; trained in ${v.trainSeconds.toFixed(0)} s`);
' "$work/models.json"
model() { node -e 'console.log(require(process.argv[1])[process.argv[2]][process.argv[3]])' "$work/models.json" "$1" "$2"; }

port=$(free_port)
admin_password="bench admin password $(date +%s%N)"
auth_flag=()
[ "$AUTH" = off ] && auth_flag=(--no-auth)
node_options=${NODE_OPTIONS:-}
if [ -n "$CPU_PROFILE" ]; then
  mkdir -p "$CPU_PROFILE"
  CPU_PROFILE=$(cd "$CPU_PROFILE" && pwd)
  rm -f "$CPU_PROFILE"/*.cpuprofile
  node_options="$node_options --require $PWD/bench/lib/profile-on-signal.js"
fi
(cd web && NODE_OPTIONS="$node_options" CPU_PROFILE_DIR="$CPU_PROFILE" CANDLE_DB_PATH="$work/data/bench.db" CANDLE_DEMO_DATA=0 CANDLE_MODELS_DIR="$work/models" NODE_ENV=production \
  CANDLE_ADMIN_PASSWORD="$admin_password" exec node scripts/serve.mjs start --port "$port" "${auth_flag[@]}") \
  >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
wait_for "$base/api/auth/session" "$server_pid" "$work/server.log"
# serve.mjs runs `next start` as its child: the CPU time per request is that process's.
next_pid=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
export BENCH_AUTHORIZATION=""
if [ "$AUTH" != off ]; then
  curl -fs -c "$work/cookies" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$admin_password\"}" "$base/api/auth/login" >/dev/null
  token=$(curl -fs -b "$work/cookies" -H 'content-type: application/json' -d '{"name":"bench"}' "$base/api/auth/tokens" |
    json_field token)
  BENCH_AUTHORIZATION="Bearer $token"
fi
echo "product: next start on $base (pid $next_pid, auth: $AUTH)"
# The held-out instrument as a stored dataset, uploaded as users do: the dataset-range requests
# (the chart's form, `{ datasetId, from, to }`) read the same 500 candles and their context from it.
dataset_id=$(curl -fs ${BENCH_AUTHORIZATION:+-H "authorization: $BENCH_AUTHORIZATION"} -H 'content-type: text/csv' \
  --data-binary @data/samples/ibm_daily.csv \
  "$base/api/datasets?name=IBM&fileName=ibm_daily.csv&symbol=IBM&timeframe=1d&onInvalidRow=skip" |
  json_field datasets.0.id)
for name in $MODELS; do
  node -e '
const [range, id, version, out] = process.argv.slice(1);
require("node:fs").writeFileSync(out, JSON.stringify({ datasetId: Number(id), ...require(range), options: { model: version } }));
' "$work/range.json" "$dataset_id" "$(model "$name" version)" "$work/range-$name.json"
done
# The clients say Accept-Encoding: gzip, deflate (load.js); whether the product compresses is shown.
encoding=$(node bench/predict/load.js "$base/api/predict?model=$(model "${MODELS%% *}" version)" "$work/predict.f64" 1 1 500 \
  application/octet-stream | json_field contentEncodings)
echo "product's predict answers to a client accepting gzip: Content-Encoding $encoding"

# One measured run: NAME URL BODY CONTENT_TYPE CLIENTS PID → a JSON line appended to $work/runs.jsonl
measure() {
  local r
  r=$(node bench/predict/load.js "$2" "$3" "$5" "$REQUESTS" 500 "$4" "$6")
  echo "{\"name\":\"$1\",\"clients\":$5,\"run\":$r}" >>"$work/runs.jsonl"
}

: >"$work/runs.jsonl"
if [ -n "$CPU_PROFILE" ]; then
  # The request form profiled: CPU_PROFILE_BODY=json (default) or binary.
  profiled() { # MODEL → URL BODY CONTENT_TYPE
    if [ "${CPU_PROFILE_BODY:-json}" = binary ]; then
      echo "$base/api/predict?model=$(model "$1" version) $work/predict.f64 application/octet-stream"
    elif [ "${CPU_PROFILE_BODY:-json}" = range ]; then
      echo "$base/api/predict $work/range-$1.json application/json"
    else
      echo "$base/api/predict $work/predict-$1.json application/json"
    fi
  }
  for name in $MODELS; do # warm-up: JIT, caches, the model loaded
    read -r url body type <<<"$(profiled "$name")"
    node bench/predict/load.js "$url" "$body" 1 "$REQUESTS" 500 "$type" "$next_pid" >/dev/null
  done
  kill -USR2 "$next_pid"
  sleep 1
  requests=0
  for name in $MODELS; do
    read -r url body type <<<"$(profiled "$name")"
    measure "$name|product, ${CPU_PROFILE_BODY:-json}" "$url" "$body" "$type" 1 "$next_pid"
    requests=$((requests + REQUESTS + 20)) # load.js warms up with 20 first
  done
  kill -USR2 "$next_pid"
  # The profile appears whole (written aside, then renamed) once the server has stopped it.
  for _ in $(seq 1 150); do compgen -G "$CPU_PROFILE/*.cpuprofile" >/dev/null && break; sleep 0.2; done
  node bench/predict/report.js "$work/runs.jsonl"
  node bench/lib/cpuprofile-summary.js "$CPU_PROFILE" --per "$requests"
  exit 0
fi
# Warm-up, unmeasured: V8 compiles Next's and the app's hot paths only after a few thousand
# requests (the floor's p50 fell from ≈ 1.5 to ≈ 1.1 ms over its first 4,000 here), so each form
# of request the product is measured on is first sent WARMUP times. The reference runs on CPython,
# which compiles nothing; load.js's own 20 warm-up requests load its model and fill its caches.
WARMUP=${WARMUP:-2000}
echo "warming the product up: $WARMUP requests of each kind (unmeasured) ..."
node bench/predict/load.js "$base/api/auth/session" - 1 "$WARMUP" 500 application/json >/dev/null
for name in $MODELS; do
  node bench/predict/load.js "$base/api/predict?model=$(model "$name" version)" "$work/predict.f64" 2 "$WARMUP" 500 \
    application/octet-stream >/dev/null
  node bench/predict/load.js "$base/api/predict" "$work/predict-$name.json" 2 "$WARMUP" 500 application/json >/dev/null
  node bench/predict/load.js "$base/api/predict" "$work/range-$name.json" 2 "$WARMUP" 500 application/json >/dev/null
done
for name in $MODELS; do
  version=$(model "$name" version)
  ref_port=$(free_port)
  python bench/predict/reference_service.py "$(model "$name" versionDir)" "$(model "$name" firstTarget)" "$ref_port" \
    "$work/ibm.json" >"$work/reference.log" 2>&1 &
  reference_pid=$!
  ref="http://127.0.0.1:$ref_port/predict"
  wait_for "http://127.0.0.1:$ref_port/docs" "$reference_pid" "$work/reference.log"
  if [ "$name" = "${MODELS%% *}" ]; then
    # The floor under every request: each server's cheapest route (the product's runs the
    # sign-in guard and answers a small JSON), 1 client, measured like the predictions.
    for _ in $(seq 1 "$REPEATS"); do
      measure "any|floor: product GET /api/auth/session" "$base/api/auth/session" - application/json 1 "$next_pid"
      measure "any|floor: reference GET /health" "http://127.0.0.1:$ref_port/health" - application/json 1 "$reference_pid"
    done
  fi
  printf '%s: same spans on the benchmark request? ' "$name"
  node bench/predict/compare.js "$base/api/predict?model=$version" "$work/predict.f64" application/octet-stream \
    "$ref" "$work/reference.json" || echo "  (the two sides DISAGREE: see above)"
  printf '%s: same spans on the dataset-range request? ' "$name"
  node bench/predict/compare.js "$base/api/predict" "$work/range-$name.json" application/json \
    "${ref}_range" "$work/range.json" || echo "  (the two sides DISAGREE: see above)"
  echo "$name: $REPEATS rounds of runs, $REQUESTS requests each (load average now: $(cut -d' ' -f1-3 /proc/loadavg)) ..."
  for _ in $(seq 1 "$REPEATS"); do
    for clients in 1 8; do
      measure "$name|product, binary" "$base/api/predict?model=$version" "$work/predict.f64" application/octet-stream "$clients" "$next_pid"
      measure "$name|product, JSON" "$base/api/predict" "$work/predict-$name.json" application/json "$clients" "$next_pid"
      measure "$name|reference (FastAPI)" "$ref" "$work/reference.json" application/json "$clients" "$reference_pid"
      measure "$name|product, dataset range" "$base/api/predict" "$work/range-$name.json" application/json "$clients" "$next_pid"
      measure "$name|reference, dataset range" "${ref}_range" "$work/range.json" application/json "$clients" "$reference_pid"
    done
  done
  stop "$reference_pid"
  reference_pid=""
  node bench/predict/load.js "$base/api/predict/batch" "$work/batch-$name.json" 4 "$BATCHES" 16000 application/json "$next_pid" \
    | sed "s/^/{\"name\":\"$name|product batch 32x500, 4 clients\",\"clients\":4,\"run\":/; s/\$/}/" >>"$work/runs.jsonl"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/predict/report.js "$work/runs.jsonl"
