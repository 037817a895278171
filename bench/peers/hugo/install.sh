#!/bin/sh
# Installs Hugo (extended edition, Debian's package) for the peer benchmark only; not part of the site's set-up.
# apt may be locked by another process: retry for a few minutes.
set -eu
if command -v hugo >/dev/null 2>&1; then
    hugo version
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends hugo; then
        break
    fi
    echo "apt-get install hugo failed (attempt $attempt), retrying in 30 s" >&2
    [ "$attempt" -lt 10 ] || exit 1
    sleep 30
done
if ! hugo version | grep -q extended; then
    echo "hugo is not the extended edition (WebP encoding needs it): $(hugo version)" >&2
    exit 1
fi
hugo version
