#!/usr/bin/env bash
# npm run bench -- [--preset medium|large|small|tiny] [--duration 10] [--warmup 3] [--reuse]
# Uses BENCH_DATABASE_URL (a PostgreSQL server URL; the bench creates its own databases on
# it) or, when unset, installs (Debian packages, as CI does) and starts a throwaway
# PostgreSQL on loopback, removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  source .ci/services.sh
  trap stop_postgres EXIT
  start_postgres
  BENCH_DATABASE_URL="$PG_URL"
fi
BENCH_DATABASE_URL="$BENCH_DATABASE_URL" npx tsx bench/run.ts "$@"
