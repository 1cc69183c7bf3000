#!/usr/bin/env bash
# What the test suite needs beyond Python packages, installed and started if missing, so that
# `make test` works on a fresh machine (and CI runs exactly that). Idempotent and quiet; it
# needs root for apt-get, as on the project's machines.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt_updated=""
need() {  # need COMMAND PACKAGE...: install the packages when the command is missing
  local command=$1; shift
  command -v "$command" >/dev/null && return 0
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL at 127.0.0.1:5432 (user postgres, trust): the suite runs on it and on SQLite.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  need pg_ctlcluster postgresql
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# Redis at 127.0.0.1:6379: rate limits shared across processes.
need redis-server redis-server
redis-cli ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 \
  --save "" --appendonly no >/dev/null
for _ in $(seq 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done

# The browser tests drive Debian's chromium and inject axe-core from npm (tests/web).
need chromium chromium
need npm npm
if [ ! -f tests/web/node_modules/.package-lock.json ] \
   || [ tests/web/package-lock.json -nt tests/web/node_modules/.package-lock.json ]; then
  (cd tests/web && npm ci --silent --no-audit --no-fund)
fi
