#!/usr/bin/env bash
# Install what the browser tests need: Debian's chromium, fonts-noto-cjk and zbar-tools (zbarimg reads
# QR codes), and Playwright's Python package in .venv (it drives the system chromium; no browser is
# downloaded). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for package in chromium fonts-noto-cjk zbar-tools; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "install ${missing[*]} with your package manager, then run the tests again" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! .venv/bin/python -c "import playwright" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "playwright>=1.40"
fi
