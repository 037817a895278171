#!/usr/bin/env bash
# Prepare the CMS demo once: a copy of the sample content in its own git repository under .demo/ (so demo edits
# never touch the project's history) and three demo accounts. Never use these accounts in production.
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO=.demo
if [ ! -d "$DEMO/.git" ]; then
  rm -rf "$DEMO"
  mkdir -p "$DEMO"
  cp -r content "$DEMO/content"
  git -C "$DEMO" init -q
  git -C "$DEMO" add -A
  git -C "$DEMO" -c user.name="演示" -c user.email="demo@example.invalid" commit -qm "演示内容"
fi
if [ ! -f "$DEMO/cms.sqlite3" ]; then
  for account in "demo-editor editor 城北街道 城北街道宣传员" "demo-reviewer reviewer - 中心审核员" "demo-admin admin - 中心管理员"; do
    read -r name role unit display <<<"$account"
    unit_option=()
    [ "$unit" != "-" ] && unit_option=(--unit "$unit")
    echo "wenming-demo" | .venv/bin/python build.py cms --content "$DEMO/content" --db "$DEMO/cms.sqlite3" \
      adduser "$name" --role "$role" "${unit_option[@]}" --display-name "$display" --password-stdin >/dev/null
  done
fi
