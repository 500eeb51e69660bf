#!/usr/bin/env bash
# Installs Debian's poppler-utils: the PDF tests read the text of the
# documents back with pdftotext.
set -euo pipefail
if command -v pdftotext >/dev/null 2>&1; then exit 0; fi
echo "installing poppler-utils for the PDF tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq poppler-utils >/dev/null
pdftotext -v >&2
