#!/usr/bin/env bash
# Installs what Ferry's build and tests need. Idempotent: every step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The pinned toolchain (rust-toolchain.toml) with its components and the wasm target.
if command -v rustup >/dev/null 2>&1; then
  rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install "$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)"
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
  rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
fi

# wasm-opt for `cargo xtask dist` (npm binaryen 132; Debian's binaryen breaks wasm-bindgen output).
if command -v npm >/dev/null 2>&1; then
  [ -x node_modules/.bin/wasm-opt ] && node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q 'version 132' \
    || npm install --no-save --no-audit --no-fund binaryen@132.0.0 >/dev/null \
    || echo "warning: npm binaryen not installed; dist ships modules without wasm-opt"
fi

# Headless Chromium and chromedriver for the browser test (xtask/tests/browser.rs).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update && $SUDO apt-get install -y chromium chromium-driver
fi

# PostgreSQL server binaries for the broker's store tests (broker/tests/store.rs starts a
# throwaway cluster on loopback with /usr/lib/postgresql/*/bin/initdb and postgres).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update && $SUDO apt-get install -y postgresql
fi
