#!/usr/bin/env bash
# Point-in-time restore of PostgreSQL from a base backup (pg_basebackup -Fp) plus the WAL
# archive written by scripts/wal-archive.sh, into a NEW data directory (the damaged one is
# never touched). Start the result with pg_ctl; it replays WAL up to TARGET and promotes.
#   bash scripts/pitr-restore.sh BASE_BACKUP_DIR WAL_ARCHIVE_DIR 'YYYY-MM-DD HH:MM:SS+00' NEW_DATA_DIR
# Run as the user that owns the cluster (postgres).
set -euo pipefail
base="$1"; archive="$2"; target="$3"; newdir="$4"

if [ -e "$newdir" ] && [ -n "$(ls -A "$newdir" 2>/dev/null)" ]; then
  echo "pitr-restore: $newdir is not empty; choose a new directory" >&2
  exit 1
fi
[ -f "$base/PG_VERSION" ] || { echo "pitr-restore: $base is not a plain-format base backup" >&2; exit 1; }
mkdir -p "$newdir"
cp -a "$base/." "$newdir/"
chmod 700 "$newdir"
rm -f "$newdir/postmaster.pid" "$newdir/standby.signal"
# Segments still in the crashed server's pg_wal are not used: only archived WAL is trusted.
rm -rf "$newdir/pg_wal"/*
mkdir -p "$newdir/pg_wal/archive_status"
cat >>"$newdir/postgresql.auto.conf" <<CONF
# added by scripts/pitr-restore.sh
restore_command = 'cp "$archive/%f" "%p"'
recovery_target_time = '$target'
recovery_target_inclusive = true
recovery_target_action = 'promote'
archive_mode = off
CONF
touch "$newdir/recovery.signal"
echo "pitr-restore: $newdir prepared; start it with pg_ctl -D $newdir start"
