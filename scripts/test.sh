#!/usr/bin/env bash
# Sets up and runs every test of Ferry: formatting, lints (benches included: `--all-targets`),
# unit tests, the golden corpus, native ≡ wasm, the edge host's router/hostile/loopback tests,
# the CLI tests and the headless-Chromium browser test. Idempotent: safe on a fresh machine and
# a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --workspace --locked
