# Sourced by the project's scripts. The target dir is the clone's own `target/` unless the caller
# sets CARGO_TARGET_DIR: a fresh clone (CI, a new machine) builds from cold, exactly what a new user
# gets. The project venv and local npm bins come first on PATH.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# The one target triple every cargo command builds for (.cargo/config.toml says the same).
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
export CARGO_RELEASE_DIR="$CARGO_TARGET_DIR/$CARGO_BUILD_TARGET/release"
export PATH="$ROOT/.venv/bin:$ROOT/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
