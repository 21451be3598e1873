#!/usr/bin/env bash
# PostgreSQL archive_command: copies one finished WAL segment into an archive folder.
#   archive_command = 'bash /opt/hce/scripts/wal-archive.sh %p %f /var/backups/hce/wal'
# Exit 0 only once the segment is durably in place: PostgreSQL then recycles its own copy, so
# a false success would lose WAL. The archive folder should be synced off-site (see
# docs/operations.md); this script only guarantees the local copy.
set -euo pipefail
src="$1"     # %p: path of the segment, relative to the data directory
name="$2"    # %f: file name of the segment
dest_dir="$3"

mkdir -p "$dest_dir"
dest="$dest_dir/$name"
if [ -e "$dest" ]; then
  # Re-archiving after a crash is normal; an existing DIFFERENT file means two clusters share
  # this archive, which must never be papered over.
  if cmp -s "$src" "$dest"; then exit 0; fi
  echo "wal-archive: $dest already exists with different content" >&2
  exit 1
fi
tmp="$dest_dir/.$name.tmp.$$"
cp "$src" "$tmp"
sync "$tmp"
mv "$tmp" "$dest"
sync "$dest_dir"
