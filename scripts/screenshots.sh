#!/usr/bin/env bash
# Refresh the editors' handbook's pictures of the web editor (docs/assets/screenshots/cms-*.png, committed):
# runs the browser tests that take them with WENMING_SCREENSHOTS=1. Commit the changed pictures afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh test
scripts/install-browser.sh
WENMING_SCREENSHOTS=1 exec .venv/bin/python -m pytest tests/test_admin_browser.py -q -k "screens_pass_axe or through_review_to_the_site or a_409_keeps" "$@"
