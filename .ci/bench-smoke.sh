#!/usr/bin/env bash
# CI smoke of the benchmark, so it cannot rot: tiny preset, 2 s per scenario, 10 connections,
# against the PostgreSQL that .ci/run started (PG_URL) or a throwaway one. Prints the table;
# asserts nothing about timings (a shared CI machine measures nothing reliable).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PG_URL:-}" ]; then
  source .ci/services.sh
  trap stop_postgres EXIT
  start_postgres
fi
BENCH_DATABASE_URL="$PG_URL" npx tsx bench/run.ts --preset tiny --duration 2 --warmup 1 --connections 10 --check --out "$(mktemp /tmp/hce-bench-smoke.XXXXXX.json)"
