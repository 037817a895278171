#!/usr/bin/env bash
# Install what the browser tests need: Debian's chromium, fonts-noto-cjk and zbar-tools (zbarimg reads
# QR codes), and Playwright's Python package in .venv (it drives the system chromium; no browser is
# downloaded). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/apt-install.sh
missing=()
for package in chromium fonts-noto-cjk zbar-tools; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
apt_install "a browser, CJK fonts and a QR reader" "${missing[@]}"
if ! .venv/bin/python -c "import playwright" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "playwright>=1.40"
fi
