#!/usr/bin/env bash
# Install the checkers of the HTML-quality tests: Debian's headless Java and npm (only if missing) and, from
# npm at the versions pinned in tools/package-lock.json, vnu-jar (the Nu HTML Checker) and axe-core, into
# tools/node_modules. npm runs no install scripts (vnu-jar's would download a JDK; Debian's Java runs it).
# Idempotent and quick once installed: npm runs only when the lock file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/apt-install.sh
missing=()
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
apt_install "a Java runtime, 11 or later, and npm" "${missing[@]}"
stamp=tools/node_modules/.installed-lock.json
if ! cmp -s tools/package-lock.json "$stamp" 2>/dev/null; then
  npm ci --prefix tools --ignore-scripts --no-audit --no-fund --loglevel=error
  cp tools/package-lock.json "$stamp"
fi
