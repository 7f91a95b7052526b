#!/usr/bin/env bash
# A local, loopback-only MLflow tracking server for the tracking tests and for looking at runs.
#
#   scripts/mlflow-server.sh start <dir>   start (or reuse) a server whose state lives in <dir>;
#                                          prints its URL on stdout
#   scripts/mlflow-server.sh url   <dir>   print the URL of the server running for <dir>
#   scripts/mlflow-server.sh stop  <dir>   stop it (the whole process group), bounded
#
# <dir> holds mlflow.db (sqlite backend + model registry), artifacts/ (the proxied artifact
# store), server.log, server.pid and server.url. Everything is bounded: start waits at most
# MLFLOW_START_TIMEOUT seconds (default 120) for GET /health, stop at most 10 s before SIGKILL.
# Telemetry is off (MLFLOW_DISABLE_TELEMETRY, DO_NOT_TRACK) and the background job runner
# (huey consumer) is disabled; the server binds 127.0.0.1 only. With MLFLOW_SERVER_OWNER_PID set,
# a watchdog stops the server when that process exits (tests set it to their own pid).
# MLFLOW_PORT picks the port (default: a free one). MLFLOW_BACKEND_STORE_URI replaces the sqlite
# backend store (e.g. the Postgres database of scripts/postgres.sh; the venv has psycopg).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MLFLOW="${MLFLOW_BIN:-$ROOT/.venv/bin/mlflow}"
START_TIMEOUT="${MLFLOW_START_TIMEOUT:-120}"

die() { echo "mlflow-server.sh: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop|url <dir>"; }

[ $# -eq 2 ] || usage
cmd=$1
[ "$cmd" = start ] && mkdir -p "$2"
[ -d "$2" ] || { [ "$cmd" = stop ] && exit 0; die "no such directory: $2"; }
DIR="$(cd "$2" && pwd)"
PIDF="$DIR/server.pid"
URLF="$DIR/server.url"
LOG="$DIR/server.log"

running() {
  [ -f "$PIDF" ] || return 1
  local pid
  pid=$(cat "$PIDF" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

healthy() {
  # curl may be missing on minimal images; fall back to the venv's python.
  local url=$1
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 2 "$url/health" >/dev/null 2>&1
  else
    "$ROOT/.venv/bin/python" - "$url" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/health", timeout=2).read()
PY
  fi
}

free_port() {
  "$ROOT/.venv/bin/python" - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

stop_server() {
  running || { rm -f "$PIDF" "$URLF"; return 0; }
  local pid
  pid=$(cat "$PIDF")
  # The server was started with setsid, so its pid is its process-group id: stop mlflow's CLI
  # process and the uvicorn worker(s) it spawned together.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  # Stragglers in the group (a worker that outlived its parent).
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PIDF" "$URLF"
}

launch() {
  local port=$1 pid
  # setsid: own process group, so `stop` can take down the workers too; stdin closed so the
  # server never waits on a terminal; nohup so it outlives the caller's shell.
  MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true \
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false \
    setsid nohup "$MLFLOW" server \
      --backend-store-uri "${MLFLOW_BACKEND_STORE_URI:-sqlite:///$DIR/mlflow.db}" \
      --artifacts-destination "$DIR/artifacts" \
      --serve-artifacts \
      --host 127.0.0.1 --port "$port" \
      --workers 1 \
      </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDF"
  if [ -n "${MLFLOW_SERVER_OWNER_PID:-}" ]; then
    # Watchdog: when the owner (e.g. a test process) goes away without calling `stop` (killed,
    # aborted), take the server down with it.
    setsid nohup bash -c '
      while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
      if kill -0 "$2" 2>/dev/null; then
        kill -TERM -- "-$2" 2>/dev/null; sleep 5; kill -KILL -- "-$2" 2>/dev/null
      fi' mlflow-server-watchdog "$MLFLOW_SERVER_OWNER_PID" "$pid" </dev/null >/dev/null 2>&1 &
  fi
}

case "$cmd" in
  start)
    [ -x "$MLFLOW" ] || die "$MLFLOW not found: run scripts/setup.sh (it creates .venv with mlflow)"
    if running && [ -f "$URLF" ] && healthy "$(cat "$URLF")"; then
      cat "$URLF"
      exit 0
    fi
    stop_server
    mkdir -p "$DIR/artifacts"
    : >"$LOG"
    deadline=$(( $(date +%s) + START_TIMEOUT ))
    # A free port can be taken between our probe and the server's bind: then try another one
    # (unless MLFLOW_PORT fixed it).
    for try in 1 2 3; do
      port="${MLFLOW_PORT:-$(free_port)}"
      url="http://127.0.0.1:$port"
      echo "=== mlflow-server.sh: starting on $url (try $try) ===" >>"$LOG"
      launch "$port"
      pid=$(cat "$PIDF")
      started=
      while :; do
        if healthy "$url"; then started=1; break; fi
        if ! kill -0 "$pid" 2>/dev/null; then break; fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
          echo "mlflow-server.sh: $url/health did not answer within ${START_TIMEOUT}s; log tail ($LOG):" >&2
          tail -n 40 "$LOG" >&2 || true
          stop_server
          exit 1
        fi
        sleep 0.5
      done
      [ -n "$started" ] && break
      rm -f "$PIDF"
      if [ -z "${MLFLOW_PORT:-}" ] && [ "$try" -lt 3 ] && tail -n 20 "$LOG" | grep -q "address already in use"; then
        continue
      fi
      echo "mlflow-server.sh: the server exited during start-up; log tail ($LOG):" >&2
      tail -n 40 "$LOG" >&2 || true
      exit 1
    done
    echo "$url" >"$URLF"
    echo "$url"
    ;;
  url)
    running && [ -f "$URLF" ] || die "no server running for $DIR (start it with: $0 start $DIR)"
    cat "$URLF"
    ;;
  stop)
    stop_server
    ;;
  *)
    usage
    ;;
esac
