# syntax=docker/dockerfile:1
# Candle Annotator: the web app with the engine addon, in two stages.
#   build    compiles the native addon (Rust + LightGBM/XGBoost C++) and the Next.js app
#   runtime  Node, the built app (Next's standalone output), the .node + libxgboost, the demo
#            samples, the training CLI and worker; no compilers, runs as a non-root user, state in
#            /data and /models volumes
# Build: podman build --format docker -t candle-annotator .   (or docker build -t candle-annotator .)
# The stack (app + MLflow): compose.yaml. Tested by tests/containers/run.sh (npm run test:containers).
ARG RUST_IMAGE=docker.io/library/rust:1.95-slim-bookworm
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim

FROM ${NODE_IMAGE} AS node

FROM ${RUST_IMAGE} AS build
# The same Node the runtime runs (napi CLI, next build).
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
# Node's headers: better-sqlite3 compiles against them when no prebuilt binary can be downloaded
# (nodedir set, so node-gyp never fetches headers from nodejs.org).
COPY --from=node /usr/local/include/node /usr/local/include/node
ENV npm_config_nodedir=/usr/local
RUN ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
# bindgen needs libclang; LightGBM/XGBoost build with CMake (>= 3.28 from pip) and ninja;
# strip/objdump lay out the shipped libraries.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libclang-dev g++ make ninja-build pkg-config python3 python3-venv binutils libgomp1 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/cmake && /opt/cmake/bin/pip install --no-cache-dir 'cmake>=3.28,<4'
ENV CMAKE=/opt/cmake/bin/cmake CARGO_TERM_COLOR=never
WORKDIR /src
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# The addon. Cache mounts keep cargo's downloads and build outputs between image builds (a rebuild
# after a source change is incremental); build.sh copies what ships out of target/.
RUN --mount=type=cache,id=candle-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=candle-cargo-target,target=/src/target \
    bash scripts/build.sh --addon-only
# NEXT_OUTPUT=standalone: next build writes a self-contained server with only the modules it uses.
RUN NEXT_OUTPUT=standalone npm -w web run build

FROM ${NODE_IMAGE} AS runtime
# libgomp1: the OpenMP runtime LightGBM and XGBoost load.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgomp1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home candle \
 && mkdir -p /data /models && chown candle:candle /data /models
WORKDIR /app
# Standalone output mirrors the repo layout (tracing root = repo root): web/server.js + node_modules.
COPY --from=build /src/web/.next/standalone ./
COPY --from=build /src/web/.next/static ./web/.next/static
# The addon folder whole: the dynamic loader needs libxgboost.so.3 beside the .node ($ORIGIN rpath),
# which file tracing cannot see.
COPY --from=build /src/node_modules/@candle-annotator/engine ./node_modules/@candle-annotator/engine
COPY --from=build /src/data/samples ./data/samples
# The training CLI and the distributed-training worker (compose.yaml: worker-N; the app container
# runs a distributed training as the coordinator, docs/scale.md).
COPY --from=build /src/scripts/train.js /src/scripts/worker.js ./scripts/
COPY --from=build /src/scripts/lib ./scripts/lib
COPY --from=build /src/node_modules/yaml ./node_modules/yaml
COPY --from=build /src/config/stack-distributed.yaml ./config/
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    CANDLE_DB_PATH=/data/candle.db \
    CANDLE_MODELS_DIR=/models \
    CANDLE_SAMPLES_DIR=/app/data/samples
USER candle
VOLUME ["/data", "/models"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "web/server.js"]
