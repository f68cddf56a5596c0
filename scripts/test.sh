#!/usr/bin/env bash
# Sets up and runs every test of Ferry: formatting, lints, unit tests, the golden corpus and the
# CLI tests. Idempotent: safe on a fresh machine and a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --workspace --locked
echo "==> benchmarks compile"
cargo bench --workspace --locked --no-run 2>&1 | tail -n 2
