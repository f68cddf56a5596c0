#!/usr/bin/env bash
# Builds Ferry and runs its main job on the embedded defaults. Today that is the compiler:
# every example in examples/ is compiled into out/<example>/ with its report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked -p ferry
cargo xtask dist --allow-over-budget  # the dashboard and compiler.wasm → target/dist (over its 1 MiB budget today)
for ex in examples/*/; do
  name=$(basename "$ex")
  [ -d "$ex/origin" ] || continue
  echo "==> ferry compile $ex/origin -o out/$name"
  target/release/ferry compile "$ex/origin" -o "out/$name" --instance-id demo --force || [ $? -eq 1 ]
done
