# Sourced by the project's scripts: one target dir outside the clone, so CI runs and developers'
# builds on the same machine are incremental; the project venv first on PATH.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/candle-annotator/target}"
export PATH="$ROOT/.venv/bin:$ROOT/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
