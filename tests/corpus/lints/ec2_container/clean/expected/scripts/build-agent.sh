#!/bin/bash
set -euo pipefail
dnf install -y git gcc make
useradd --create-home builder
curl -fsSL https://example.com/agent/install.sh | bash -s -- --pool linux-large
