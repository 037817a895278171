#!/usr/bin/env bash
# Install the project, build the demo site from the bundled sample content and serve it on 127.0.0.1:8000
# (live reload); start the CMS with demo accounts on 127.0.0.1:8080 (see the README); both serve the editors'
# handbook at /handbook/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh
scripts/demo-cms.sh
# The editors' handbook, at /handbook/ of both servers (build.py serve reads output/, the CMS .demo/output/).
if .venv/bin/python build.py handbook --output output; then
  mkdir -p .demo/output && rm -rf .demo/output/handbook && cp -r output/handbook .demo/output/handbook
else
  echo "warning: the editors' handbook could not be built (see above); /handbook/ explains how to build it" >&2
fi
.venv/bin/python build.py cms --content .demo/content --output .demo/output --db .demo/cms.sqlite3 --port 8080 \
  >.demo/cms.log 2>&1 &
cms=$!
trap 'kill "$cms" 2>/dev/null || true' EXIT INT TERM
echo "CMS web editor: http://127.0.0.1:8080/admin/ (API at /api/, its published site at /) — log in as demo-editor," \
     "demo-reviewer or demo-admin, password wenming-demo; log in .demo/cms.log"
.venv/bin/python build.py serve "$@"
