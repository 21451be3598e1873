#!/usr/bin/env bash
# Reliability, security and operations checks (issue 12), called by .ci/run after the other
# steps. Starts its own throwaway services (loopback only) and stops them on exit:
#   1. npm audit of production dependencies (printed; findings explained in docs/operations.md)
#   2. WAL archiving + point-in-time restore on a throwaway cluster (scripts/fault/pitr-check.sh)
#   3. fault suite: SIGKILL under writes, PostgreSQL outage and recovery, SIGTERM under load
#   4. two API instances behind nginx with Redis (test/services/cluster*.int.test.ts)
#   5. container checks without Docker: the Dockerfile's steps, then the built server started
#      with docker-compose.yml's environment as a non-root user
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"
source .ci/services.sh
# Its own PostgreSQL: never stop one a caller (.ci/run) started and exported.
unset PG_DIR PG_PORT PG_URL

started=$(date +%s)
step() { echo; echo "=== reliability: $* ($(( $(date +%s) - started ))s)"; }
work=$(mktemp -d /tmp/hce-rel.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  stop_nginx 2>/dev/null || true
  stop_redis 2>/dev/null || true
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT

step "npm audit --omit=dev (informative, never fails the build)"
npm audit --omit=dev || echo "npm audit reported findings (see docs/operations.md, 'Dependency advisories')"

step "WAL archiving and point-in-time restore"
bash scripts/fault/pitr-check.sh

step "fault suite (SIGKILL, database outage, SIGTERM)"
start_postgres
RELIABILITY_PG_DIR="$PG_DIR" RELIABILITY_PG_PORT="$PG_PORT" RELIABILITY_PG_URL="$PG_URL" \
  npx vitest run --config vitest.services.config.ts test/services/reliability

if ls test/services/cluster*.int.test.ts >/dev/null 2>&1; then
  step "two instances behind nginx with Redis"
  start_redis
  CLUSTER_PG_URL="$PG_URL" REDIS_URL="$REDIS_URL" \
    npx vitest run --config vitest.services.config.ts test/services/cluster
fi

step "container build steps without Docker"
# Stage "build": the compiler output. Stage "deps": production dependencies only.
npm run build
mkdir -p "$work/app"
cp package.json package-lock.json "$work/app/"
(cd "$work/app" && npm ci --omit=dev --no-audit --no-fund --prefer-offline)
cp -r dist "$work/app/dist"
mkdir -p "$work/app/src/db" && cp -r src/db/migrations "$work/app/src/db/migrations"
cp -r seeds "$work/app/seeds"
if [ -d "$work/app/node_modules/typescript" ] || [ -d "$work/app/node_modules/vitest" ]; then
  echo "development dependencies leaked into the production install" >&2
  exit 1
fi
# Stage "runtime": the built server as an unprivileged user, with the compose environment.
chmod -R a+rX "$work"
mkdir -p "$work/data" && chown nobody "$work/data"
db="hce_container_$$"
runuser -u postgres -- psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -XAtqc "CREATE DATABASE $db" >/dev/null
port=$(free_port)
mapfile -t compose_env < <(JWT_SECRET="$(openssl rand -base64 48)" HCE_DATA_KEY="$(openssl rand -base64 32)" \
  HCE_ADMIN_PASSWORD="Clave-Contenedor-2026" npx tsx scripts/fault/compose-env.ts)
(cd "$work/app" && exec env -i PATH="$PATH" "${compose_env[@]}" HOST=127.0.0.1 PORT="$port" \
  DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$db" HCE_DATA_DIR="$work/data" \
  HCE_ADMIN_PASSWORD="Clave-Contenedor-2026" \
  runuser -u nobody -- node dist/src/server.js) >"$work/server.log" 2>&1 &
server_pid=$!
ok=0
for _ in $(seq 1 1500); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ok=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
if [ "$ok" != 1 ]; then
  echo "the built server did not become ready with the compose environment; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
echo "built server ready on 127.0.0.1:$port as user nobody (NODE_ENV=production)"
# SIGTERM to node itself (runuser, its parent, would end the session and report a kill).
node_pid=$(pgrep -P "$server_pid" -x node || true)
kill -TERM "${node_pid:-$server_pid}"
wait "$server_pid" || { echo "the built server did not exit cleanly on SIGTERM" >&2; cat "$work/server.log" >&2; exit 1; }
server_pid=

step "reliability done"
