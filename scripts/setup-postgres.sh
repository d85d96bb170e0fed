#!/usr/bin/env bash
# Idempotent setup of the PostgreSQL 15 server + pgvector used by the tests and CI,
# for Debian machines like ours. Every step is skipped when already done, so a
# second run takes seconds.
#
# pgvector is not packaged for this Debian release, so we build it from the Debian
# source package of the next release. The mirror URI is read from the machine's
# own apt sources; no host name is written here.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_HOST="${PGHOST:-127.0.0.1}"
PG_PORT="${PGPORT:-5432}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

log() { echo "[setup-postgres] $*"; }

# 1. The server is running.
if ! pg_isready -h "$PG_HOST" -p "$PG_PORT" -q; then
  log "starting PostgreSQL $PG_MAJOR"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start || true
  for _ in $(seq 1 30); do pg_isready -h "$PG_HOST" -p "$PG_PORT" -q && break; sleep 1; done
fi
pg_isready -h "$PG_HOST" -p "$PG_PORT" || { log "PostgreSQL is not reachable on $PG_HOST:$PG_PORT"; exit 1; }

# 2. pgvector is installed for this server.

if [ -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; then
  log "pgvector already installed"
  exit 0
fi

apt_updated=0
apt_update() { if [ "$apt_updated" = 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi; }

if ! dpkg -s "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1 || ! command -v dpkg-source >/dev/null 2>&1; then
  log "installing postgresql-server-dev-$PG_MAJOR"
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "postgresql-server-dev-$PG_MAJOR" dpkg-dev build-essential >/dev/null
fi

src_list=/etc/apt/sources.list.d/mnemo-pgvector-src.sources
if [ ! -f "$src_list" ]; then
  # Reuse the mirror URI already configured for the main Debian archive.
  uri="$(grep -h -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | grep -i debian | head -n 1 || true)"
  if [ -z "$uri" ]; then
    uri="$(grep -h -E '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n 1 || true)"
  fi
  [ -n "$uri" ] || { log "cannot find a Debian mirror URI in the apt sources"; exit 1; }
  log "adding deb-src for the next Debian release (trixie)"
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" | $SUDO tee "$src_list" >/dev/null
  apt_updated=0
fi
apt_update

build_dir="${TMPDIR:-/tmp}/mnemo-pgvector-build"
mkdir -p "$build_dir"
cd "$build_dir"
if ! ls -d pgvector-*/ >/dev/null 2>&1; then
  log "downloading the pgvector source package"
  apt-get source --download-only pgvector >/dev/null
  dpkg-source -x pgvector_*.dsc >/dev/null
fi
cd "$(ls -d pgvector-*/ | head -n 1)"
log "building pgvector $(basename "$PWD")"
make -s OPTFLAGS="" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" >/dev/null
$SUDO make -s install PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" >/dev/null
log "pgvector installed"
