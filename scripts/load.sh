#!/usr/bin/env bash
# Load test of the compile API on loopback: starts `ferry serve` (release) on a free port, posts
# examples/saas-web-app/origin as compile requests for a bounded time, prints req/s and latency
# percentiles, stops the server.
#   scripts/load.sh [--concurrency N] [--seconds S] [--max-requests N]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked -p ferry --bin ferry --example load
cargo build --locked --profile wasm --target wasm32-unknown-unknown -p ferry-compiler-wasm
DATA=$(mktemp -d)
LOG="$DATA/serve.log"
"$TARGET/release/ferry" serve --listen 127.0.0.1:0 --data-dir "$DATA/data" \
  --compiler-wasm "$TARGET/wasm32-unknown-unknown/wasm/ferry_compiler_wasm.wasm" 2>"$LOG" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
URL=""
for _ in $(seq 1 200); do
  URL=$(sed -n 's/^ferry serve: listening on //p' "$LOG")
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "ferry serve did not start"; cat "$LOG"; exit 1; }
echo "==> load against $URL"
"$TARGET/release/examples/load" --url "$URL" --origin examples/saas-web-app/origin "$@"
