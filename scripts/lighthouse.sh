#!/usr/bin/env bash
# Lighthouse report (not a gate) for the home page, one report page and the kiosk's home screen:
# builds the sample site into a temporary folder, serves it on 127.0.0.1 and runs Lighthouse (npm) with
# Debian's Chromium. Prints one line of category scores per page; the JSON reports stay in the work folder.
#
# Usage: scripts/lighthouse.sh [work-folder]     (installs lighthouse into .tools/lighthouse on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${1:-$(mktemp -d)}
tools="$root/.tools/lighthouse"

scripts/setup-env.sh >/dev/null
scripts/install-browser.sh >/dev/null
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private": true}' >"$tools/package.json"
  npm install --prefix "$tools" --no-audit --no-fund lighthouse@12.8.2 >/dev/null
fi

.venv/bin/python build.py build --output "$work/output" >/dev/null
report=$(cd "$work/output/site/news" && ls | head -n 1)

.venv/bin/python -m http.server --bind 127.0.0.1 --directory "$work/output/site" 8765 >/dev/null 2>&1 &
site=$!
.venv/bin/python -m http.server --bind 127.0.0.1 --directory "$work/output/kiosk" 8766 >/dev/null 2>&1 &
kiosk=$!
trap 'kill "$site" "$kiosk" 2>/dev/null || true' EXIT INT TERM
sleep 1

flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
flags="$flags --disable-component-update --disable-sync"
run() {
  local name=$1 url=$2 preset=$3
  CHROME_PATH=/usr/bin/chromium "$tools/node_modules/.bin/lighthouse" "$url" --quiet --output=json \
    --output-path="$work/lighthouse-$name.json" --chrome-flags="$flags" $preset >/dev/null 2>&1
  .venv/bin/python - "$work/lighthouse-$name.json" "$name" "$url" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
scores = {key: round(cat["score"] * 100) for key, cat in data["categories"].items() if cat["score"] is not None}
print(f"{sys.argv[2]:<8} {sys.argv[3]:<48} " + "  ".join(f"{k}={v}" for k, v in scores.items()))
PY
}
run home "http://127.0.0.1:8765/" "--form-factor=mobile"
run report "http://127.0.0.1:8765/news/$report/" "--form-factor=mobile"
run kiosk "http://127.0.0.1:8766/" "--preset=desktop"
echo "JSON reports: $work/lighthouse-*.json"
