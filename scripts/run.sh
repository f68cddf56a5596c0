#!/usr/bin/env bash
# Builds Ferry and runs its main job on the embedded defaults: every example in examples/ is
# compiled into out/<example>/ with its report, then the edge host (`ferry serve`) runs in the
# foreground on http://127.0.0.1:8080 with compiler.wasm in its wasmtime sandbox (Ctrl-C stops it).
# Extra arguments go to `ferry serve` (e.g. --listen 127.0.0.1:9090 --web-dir web/dist).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked -p ferry
cargo build --locked --profile wasm --target wasm32-unknown-unknown -p ferry-compiler-wasm
for ex in examples/*/; do
  name=$(basename "$ex")
  [ -d "$ex/origin" ] || continue
  echo "==> ferry compile $ex/origin -o out/$name"
  "$TARGET/release/ferry" compile "$ex/origin" -o "out/$name" --instance-id demo --force || [ $? -eq 1 ]
done
echo "==> ferry serve (Ctrl-C to stop)"
exec "$TARGET/release/ferry" serve --data-dir ./ferry-data \
  --compiler-wasm "$TARGET/wasm32-unknown-unknown/wasm/ferry_compiler_wasm.wasm" "$@"
