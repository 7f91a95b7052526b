#!/usr/bin/env bash
# The container test (npm run test:containers): builds the project's image from the Dockerfile,
# starts the compose stack (app, MLflow on PostgreSQL, two training workers) with podman, and
# checks it for real — health, model info, a CSV import, a training run logged to MLflow (rows in
# PostgreSQL), a prediction, a distributed training over the workers, the image's size and user.
#
# No registry image can be pulled on this machine, so the base images the Dockerfile names are
# built locally first: debian:bookworm-slim from `debootstrap --variant=minbase bookworm` +
# `podman import`; node:20-bookworm-slim and rust:1.95-slim-bookworm as stand-ins = that base plus
# this machine's own Node and Rust toolchain (tests/containers/standins/). Elsewhere the same
# Dockerfile pulls the official images. Podman settings this machine needs (runc, cgroupfs,
# explicit ulimits) live in a containers.conf written here, not in the Dockerfile.
#
#   KEEP_STACK=1  leave the stack running after the checks (then: podman-compose -p candle-ct down -v)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.containers"
mkdir -p "$STATE"
log() { printf '\033[1;36m[containers]\033[0m %s\n' "$*"; }
t0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t0 )) s"; }

# --- packages ----------------------------------------------------------------------------------
# iptables: netavark sets up the bridge network with it.
PKGS=(podman runc debootstrap podman-compose netavark aardvark-dns slirp4netns uidmap iptables)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- podman configuration for this machine -----------------------------------------------------
# crun fails here on the cgroups hybrid mode and on the default rlimits: runc, cgroupfs, explicit ulimits.
export CONTAINERS_CONF="$STATE/containers.conf"
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# --- base images (local stand-ins for registry images) -----------------------------------------
DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim
NODE_IMAGE=docker.io/library/node:20-bookworm-slim
RUST_IMAGE=docker.io/library/rust:1.95-slim-bookworm
if ! podman image exists "$DEBIAN_IMAGE"; then
  log "debootstrap --variant=minbase bookworm → $DEBIAN_IMAGE"
  rm -rf "$STATE/rootfs"
  debootstrap --variant=minbase bookworm "$STATE/rootfs" http://deb.debian.org/debian >"$STATE/debootstrap.log" 2>&1 \
    || { tail -20 "$STATE/debootstrap.log" >&2; exit 1; }
  rm -rf "$STATE/rootfs/var/cache/apt/archives/"*.deb "$STATE/rootfs/var/lib/apt/lists/"*
  # This machine reaches the registries through a TLS-intercepting egress proxy: the stand-in base
  # trusts the same extra CAs the host does (picked up when an image installs ca-certificates), and
  # pip and Node are pointed at the system bundle. Behind such a proxy elsewhere, do the same.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$STATE/rootfs/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$STATE/rootfs/usr/local/share/ca-certificates/"
  fi
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$STATE/rootfs/etc/pip.conf"
  tar -C "$STATE/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$STATE/rootfs"
fi
if ! podman image exists "$NODE_IMAGE"; then
  log "stand-in $NODE_IMAGE (this machine's Node $(node -v))"
  ctx="$STATE/standin-node"; rm -rf "$ctx"; mkdir -p "$ctx/lib"
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/../../npm" "$ctx/lib/npm"
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  cp -a "$node_prefix/include/node" "$ctx/include"
  podman build -q "${ULIMITS[@]}" -f tests/containers/standins/node.Containerfile -t "$NODE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
fi
if ! podman image exists "$RUST_IMAGE"; then
  toolchain="$(rustc --print sysroot)"
  log "stand-in $RUST_IMAGE (this machine's toolchain: $(rustc --version))"
  ctx="$STATE/standin-rust"; rm -rf "$ctx"; mkdir -p "$ctx"
  # Docs are not needed to build: leave them out of the image.
  tar -C "$toolchain" --exclude=./share/doc -cf - . | (mkdir -p "$ctx/rust" && tar -C "$ctx/rust" -xf -)
  podman build -q "${ULIMITS[@]}" -f tests/containers/standins/rust.Containerfile -t "$RUST_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# --- the project's images ----------------------------------------------------------------------
log "podman build (Dockerfile; a cold build compiles LightGBM, XGBoost and polars: ~25 min on 2 cores)"
b0=$(date +%s)
podman build --format docker "${ULIMITS[@]}" -t localhost/candle-annotator:latest -f Dockerfile . >"$STATE/build-app.log" 2>&1 \
  || { echo "podman build failed; log tail ($STATE/build-app.log):" >&2; tail -40 "$STATE/build-app.log" >&2; exit 1; }
log "app image built in $(( $(date +%s) - b0 )) s"
podman build --format docker "${ULIMITS[@]}" -t localhost/candle-annotator-mlflow:latest docker/mlflow >"$STATE/build-mlflow.log" 2>&1 \
  || { echo "mlflow image build failed; log tail:" >&2; tail -40 "$STATE/build-mlflow.log" >&2; exit 1; }
podman build --format docker "${ULIMITS[@]}" -t localhost/candle-annotator-postgres:latest docker/postgres >"$STATE/build-postgres.log" 2>&1 \
  || { echo "postgres image build failed; log tail:" >&2; tail -40 "$STATE/build-postgres.log" >&2; exit 1; }

# What the runtime image holds: its size, its user, and no compiler.
SIZE=$(podman image inspect localhost/candle-annotator:latest --format '{{.Size}}')
log "app image size: $(( SIZE / 1024 / 1024 )) MiB"
USER_ID=$(podman run --rm "${ULIMITS[@]}" localhost/candle-annotator:latest id -u)
[ "$USER_ID" != 0 ] || { echo "the app image runs as root" >&2; exit 1; }
if podman run --rm "${ULIMITS[@]}" localhost/candle-annotator:latest sh -c 'command -v cc || command -v gcc || command -v rustc || command -v cargo'; then
  echo "the runtime image contains a compiler" >&2; exit 1
fi

# --- the stack -----------------------------------------------------------------------------------
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
export CANDLE_PORT=$(free_port) MLFLOW_PORT=$(free_port)
# The stack's secrets, fresh for each test run (compose.yaml's defaults suit a laptop only).
export POSTGRES_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n') CANDLE_WORKER_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
# The stack's first admin (the app requires sign-in): check.mjs signs in with it.
export CANDLE_ADMIN_PASSWORD="container check $(date +%s%N)"
PROJECT=candle-ct
compose() { podman-compose -p "$PROJECT" -f compose.yaml "$@"; }
cleanup() {
  if [ "${KEEP_STACK:-0}" = 1 ]; then log "stack left running (app :$CANDLE_PORT, mlflow :$MLFLOW_PORT)"; return; fi
  compose logs >"$STATE/stack.log" 2>&1 || true
  compose down -v >/dev/null 2>&1 || true
}
trap cleanup EXIT
compose down -v >/dev/null 2>&1 || true
log "podman-compose up (app :$CANDLE_PORT, mlflow :$MLFLOW_PORT)"
compose up -d >"$STATE/compose-up.log" 2>&1 || { tail -40 "$STATE/compose-up.log" >&2; exit 1; }

node tests/containers/check.mjs "http://127.0.0.1:$CANDLE_PORT" "http://127.0.0.1:$MLFLOW_PORT"
log "container test passed in $(elapsed)"
