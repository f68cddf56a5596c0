#!/usr/bin/env bash
# Builds Ferry and runs its main job on the embedded defaults: every example in examples/ is
# compiled into out/<example>/ with its report, then the edge host (`ferry serve`) runs in the
# foreground on http://127.0.0.1:8080 with compiler.wasm in its wasmtime sandbox (Ctrl-C stops it).
# Extra arguments go to `ferry serve` (e.g. --listen 127.0.0.1:9090).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked -p ferry
DIST=target/dist
# The dashboard and compiler.wasm; the server runs the very bytes the browser loads.
cargo xtask dist --out "$DIST" --allow-over-budget
for ex in examples/*/; do
  name=$(basename "$ex")
  [ -d "$ex/origin" ] || continue
  echo "==> ferry compile $ex/origin -o out/$name"
  "$TARGET/release/ferry" compile "$ex/origin" -o "out/$name" --instance-id demo --force || [ $? -eq 1 ]
done
echo "==> ferry serve (Ctrl-C to stop)"
exec "$TARGET/release/ferry" serve --data-dir ./ferry-data \
  --web-dir "$DIST" --compiler-wasm "$DIST/compiler.wasm" "$@"
