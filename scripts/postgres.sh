#!/usr/bin/env bash
# A private, loopback-only PostgreSQL cluster: MLflow's backend store for the tests and for local
# runs (the stack in compose.yaml has its own postgres service).
#
#   scripts/postgres.sh start <dir>   create the cluster (once) and start it; prints the URL of its
#                                     `mlflow` database: postgresql://postgres@127.0.0.1:<port>/mlflow
#   scripts/postgres.sh url   <dir>   print that URL (the cluster must be running)
#   scripts/postgres.sh stop  <dir>   stop the cluster and delete its data, bounded
#
# Debian's postgresql (scripts/setup.sh installs it) from /usr/lib/postgresql/<version>/bin. The
# server refuses to run as root: as root, the cluster belongs to the `postgres` system user and
# its data lives in a private folder under /tmp that user can reach (<dir>/data.path says where).
# It listens on 127.0.0.1 only, trusts local connections (a test cluster: no password) and writes
# without fsync. POSTGRES_PORT picks the port (default: a free one); with POSTGRES_OWNER_PID set,
# a watchdog stops the cluster when that process exits (tests set it to their own pid).
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: $0 start|stop|url <dir>"
cmd=$1
[ "$cmd" = start ] && mkdir -p "$2"
[ -d "$2" ] || { [ "$cmd" = stop ] && exit 0; die "no such directory: $2"; }
DIR="$(cd "$2" && pwd)"
URLF="$DIR/postgres.url"

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] && [ -x "$BIN/pg_ctl" ] || die "PostgreSQL is not installed (Debian: apt-get install postgresql; scripts/setup.sh does)"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data_dir() { cat "$DIR/data.path" 2>/dev/null || true; }

running() {
  local data
  data=$(data_dir)
  [ -n "$data" ] && [ -f "$data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

stop_cluster() {
  local data
  data=$(data_dir)
  if [ -n "$data" ] && [ -d "$data" ]; then
    as_owner "$BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$data"
  fi
  rm -f "$DIR/data.path" "$URLF"
}

case "$cmd" in
  start)
    if running && [ -f "$URLF" ]; then cat "$URLF"; exit 0; fi
    stop_cluster
    if [ "$(id -u)" -eq 0 ]; then
      data=$(mktemp -d /tmp/candle-postgres.XXXXXX)
      chown postgres: "$data"
    else
      data="$DIR/data"
      mkdir -p "$data"
    fi
    chmod 700 "$data"
    echo "$data" >"$DIR/data.path"
    as_owner "$BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 \
      || { tail -20 "$DIR/initdb.log" >&2; die "initdb failed"; }
    port="${POSTGRES_PORT:-$(free_port)}"
    as_owner "$BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data -c fsync=off" start >/dev/null \
      || { tail -20 "$data/server.log" >&2 || true; stop_cluster; die "the server did not start"; }
    "$BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE mlflow" >/dev/null
    url="postgresql://postgres@127.0.0.1:$port/mlflow"
    echo "$url" >"$URLF"
    if [ -n "${POSTGRES_OWNER_PID:-}" ]; then
      setsid nohup bash -c '
        while kill -0 "$1" 2>/dev/null && [ -f "$2/data.path" ]; do sleep 1; done
        [ -f "$2/data.path" ] && bash "$3" stop "$2"' postgres-watchdog "$POSTGRES_OWNER_PID" "$DIR" "$0" \
        </dev/null >/dev/null 2>&1 &
    fi
    echo "$url"
    ;;
  url)
    running && [ -f "$URLF" ] || die "no cluster running for $DIR (start it with: $0 start $DIR)"
    cat "$URLF"
    ;;
  stop)
    stop_cluster
    ;;
  *)
    die "usage: $0 start|stop|url <dir>"
    ;;
esac
