#!/usr/bin/env bash
# Puts Prometheus's promtool on PATH (/usr/local/bin) for the tests that check the
# sample alert rules of docs/operations.md and lint a real /metrics scrape with it.
# Taken from Debian's prometheus package, unpacked rather than installed: installing
# would also set up and start a Prometheus server, which the tests do not want.
# Idempotent: a second run does nothing.
set -euo pipefail
log() { echo "[setup-promtool] $*"; }

if command -v promtool >/dev/null 2>&1; then
  log "already there: $(promtool --version 2>&1 | head -n 1)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download prometheus >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download prometheus; }
dpkg-deb -x prometheus_*.deb unpacked
$SUDO install -m 0755 unpacked/usr/bin/promtool /usr/local/bin/promtool
log "installed: $(promtool --version 2>&1 | head -n 1)"
