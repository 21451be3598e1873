#!/usr/bin/env bash
# Proves WAL archiving + point-in-time restore on a throwaway cluster (run as root by
# .ci/reliability.sh, or by hand): rows committed before the target time come back, a
# destructive change after it does not. Exit 0 on success.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/services.sh
apt_install postgresql postgresql-contrib
bin=$(pg_bin)
root=$(mktemp -d /tmp/hce-pitr.XXXXXX)
chown postgres:postgres "$root"
as_pg() { runuser -u postgres -- "$@"; }
port1=$(free_port)
cleanup() {
  as_pg "$bin/pg_ctl" -D "$root/data" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$bin/pg_ctl" -D "$root/restored" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT
install -m 0755 scripts/wal-archive.sh scripts/pitr-restore.sh "$root/"

as_pg "$bin/initdb" -D "$root/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/log1" -w start -o "-p $port1 -k $root -c listen_addresses=127.0.0.1 \
  -c wal_level=replica -c archive_mode=on -c archive_timeout=60 \
  -c archive_command='bash $root/wal-archive.sh %p %f $root/wal'" >/dev/null
q() { as_pg psql -h "$root" -p "$1" -U postgres -d postgres -XAtqc "$2"; }

q "$port1" "CREATE TABLE clinical_note (id int PRIMARY KEY, body text NOT NULL)"
q "$port1" "INSERT INTO clinical_note SELECT g, 'nota ' || g FROM generate_series(1, 500) g"
as_pg "$bin/pg_basebackup" -h "$root" -p "$port1" -U postgres -D "$root/base" -Fp -X stream -c fast >/dev/null
q "$port1" "INSERT INTO clinical_note SELECT g, 'nota ' || g FROM generate_series(501, 800) g"
sleep 1
target=$(q "$port1" "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
sleep 1
# The accident the restore must undo.
q "$port1" "DELETE FROM clinical_note WHERE id > 100"
q "$port1" "SELECT pg_switch_wal()" >/dev/null
# Wait until the segment holding the DELETE is archived, then lose the server.
for _ in $(seq 1 100); do
  failed=$(q "$port1" "SELECT failed_count FROM pg_stat_archiver")
  [ "$failed" = 0 ] || { echo "archive_command failed" >&2; cat "$root/log1" >&2; exit 1; }
  [ "$(q "$port1" "SELECT last_archived_wal >= pg_walfile_name(pg_current_wal_lsn() - 1) FROM pg_stat_archiver")" = t ] && break
  sleep 0.1
done
as_pg "$bin/pg_ctl" -D "$root/data" -m immediate stop >/dev/null

as_pg bash "$root/pitr-restore.sh" "$root/base" "$root/wal" "$target" "$root/restored"
port2=$(free_port)
as_pg "$bin/pg_ctl" -D "$root/restored" -l "$root/log2" -w -t 120 start -o "-p $port2 -k $root -c listen_addresses=127.0.0.1" >/dev/null
for _ in $(seq 1 200); do
  [ "$(q "$port2" "SELECT pg_is_in_recovery()")" = f ] && break
  sleep 0.1
done
count=$(q "$port2" "SELECT count(*) FROM clinical_note")
if [ "$count" != 800 ]; then
  echo "PITR check FAILED: expected 800 rows at $target, found $count" >&2
  cat "$root/log2" >&2
  exit 1
fi
echo "PITR check passed: 800 rows restored as of $target (the later DELETE was not replayed)"
