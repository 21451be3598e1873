#!/usr/bin/env bash
# Helpers to install (Debian packages, idempotent) and start throwaway services on loopback
# for CI and for developers running the server-backed suites by hand. Source this file.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

apt_ready=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$apt_ready" = 0 ]; then
      apt-get update -qq
      apt_ready=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  echo "$dir"
}

# start_postgres: sets PG_DIR, PG_PORT, PG_URL
start_postgres() {
  apt_install postgresql postgresql-contrib
  local bin
  bin=$(pg_bin)
  PG_DIR=$(mktemp -d /tmp/hce-pg.XXXXXX)
  chown postgres:postgres "$PG_DIR"
  PG_PORT=$(free_port)
  runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" -w start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_DIR PG_PORT PG_URL
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

# start_orthanc: a throwaway Orthanc (real PACS) with its DICOMweb plugin on loopback; sets
# ORTHANC_DIR, ORTHANC_PORT, ORTHANC_PID, ORTHANC_URL. dcmtk gives img2dcm for test studies.
start_orthanc() {
  apt_install orthanc orthanc-dicomweb dcmtk
  ORTHANC_DIR=$(mktemp -d /tmp/hce-orthanc.XXXXXX)
  ORTHANC_PORT=$(free_port)
  # Host is left unset on purpose: with it set, DICOMweb RetrieveURLs lose their port.
  cat >"$ORTHANC_DIR/config.json" <<JSON
{
  "Name": "HCE-TEST",
  "HttpPort": $ORTHANC_PORT,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomServerEnabled": false,
  "StorageDirectory": "$ORTHANC_DIR/storage",
  "IndexDirectory": "$ORTHANC_DIR/index",
  "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
  Orthanc "$ORTHANC_DIR/config.json" >"$ORTHANC_DIR/log" 2>&1 &
  ORTHANC_PID=$!
  ORTHANC_URL="http://127.0.0.1:$ORTHANC_PORT"
  local i
  for i in $(seq 1 100); do
    if curl -fsS "$ORTHANC_URL/system" >/dev/null 2>&1; then
      export ORTHANC_DIR ORTHANC_PORT ORTHANC_PID ORTHANC_URL
      echo "Orthanc $(curl -fsS "$ORTHANC_URL/system" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Version"])') on $ORTHANC_URL"
      return 0
    fi
    if ! kill -0 "$ORTHANC_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "Orthanc did not start; its log:" >&2
  cat "$ORTHANC_DIR/log" >&2
  return 1
}

stop_orthanc() {
  if [ -n "${ORTHANC_PID:-}" ]; then
    kill "$ORTHANC_PID" 2>/dev/null || true
    wait "$ORTHANC_PID" 2>/dev/null || true
    ORTHANC_PID=
  fi
  if [ -n "${ORTHANC_DIR:-}" ] && [ -d "$ORTHANC_DIR" ]; then
    rm -rf "$ORTHANC_DIR"
  fi
}

# start_redis: a throwaway redis-server on loopback without persistence; sets REDIS_DIR,
# REDIS_PORT, REDIS_PID, REDIS_URL.
start_redis() {
  apt_install redis-server
  REDIS_DIR=$(mktemp -d /tmp/hce-redis.XXXXXX)
  REDIS_PORT=$(free_port)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --save "" --appendonly no \
    --protected-mode yes --daemonize no >"$REDIS_DIR/log" 2>&1 &
  REDIS_PID=$!
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  local i
  for i in $(seq 1 100); do
    if redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
      export REDIS_DIR REDIS_PORT REDIS_PID REDIS_URL
      echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on $REDIS_URL"
      return 0
    fi
    sleep 0.1
  done
  echo "Redis did not start; its log:" >&2
  cat "$REDIS_DIR/log" >&2
  return 1
}

stop_redis() {
  if [ -n "${REDIS_PID:-}" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=
  fi
  if [ -n "${REDIS_DIR:-}" ] && [ -d "$REDIS_DIR" ]; then rm -rf "$REDIS_DIR"; fi
}

# start_nginx UPSTREAM_PORT...: nginx (Debian package) on loopback balancing over the given
# API ports with deploy/nginx.conf's template; sets NGINX_DIR, NGINX_PORT, NGINX_URL.
start_nginx() {
  if ! dpkg -s nginx >/dev/null 2>&1; then
    # The package's postinst would start a default server on port 80 of every interface.
    local policy=/usr/sbin/policy-rc.d created=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1; fi
    apt_install nginx
    if [ "$created" = 1 ]; then rm -f "$policy"; fi
  fi
  NGINX_DIR=$(mktemp -d /tmp/hce-nginx.XXXXXX)
  NGINX_PORT=$(free_port)
  local servers="" p
  for p in "$@"; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=2s;"$'\n'; done
  mkdir -p "$NGINX_DIR/tmp"
  chmod 755 "$NGINX_DIR"
  # The template's placeholders: listen port, upstream servers, temp/log/pid paths.
  python3 - "$NGINX_DIR" "$NGINX_PORT" "$servers" <<'PY'
import sys
d, port, servers = sys.argv[1], sys.argv[2], sys.argv[3]
t = open('deploy/nginx.conf').read()
t = t.replace('@LISTEN@', f'127.0.0.1:{port}').replace('@UPSTREAM_SERVERS@', servers).replace('@RUNTIME_DIR@', d)
open(f'{d}/nginx.conf', 'w').write(t)
PY
  nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" -g "pid $NGINX_DIR/nginx.pid; error_log $NGINX_DIR/error.log;" || return 1
  NGINX_URL="http://127.0.0.1:$NGINX_PORT"
  export NGINX_DIR NGINX_PORT NGINX_URL
  echo "nginx on $NGINX_URL → $*"
}

stop_nginx() {
  if [ -n "${NGINX_DIR:-}" ] && [ -f "$NGINX_DIR/nginx.pid" ]; then
    kill "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null || true
  fi
  if [ -n "${NGINX_DIR:-}" ] && [ -d "$NGINX_DIR" ]; then rm -rf "$NGINX_DIR"; fi
}
