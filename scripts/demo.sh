#!/usr/bin/env bash
# Install the project, build the demo site from the bundled sample content and serve it on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh
exec .venv/bin/python build.py serve "$@"
