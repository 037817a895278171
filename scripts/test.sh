#!/usr/bin/env bash
# Install the project with its test dependencies and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh test
scripts/install-browser.sh
scripts/install-checkers.sh
exec .venv/bin/python -m pytest "$@"
