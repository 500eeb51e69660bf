#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "installing chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
chromium --version >&2
