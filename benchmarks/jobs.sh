#!/usr/bin/env bash
# Does `pg_restore --jobs` pay in the default (keep-aside) restore of a large database?
#
#   benchmarks/jobs.sh [--gb N] [--rounds N] [--work DIR] [--jobs "1 2"] [--clean]
#
#   --gb N        size of the generated PostgreSQL database in GB (default 4): one table of text,
#                 jsonb and arrays with a primary key, a b-tree and a GIN index, and one of random
#                 bytea; the index builds are what parallel jobs can share out.
#   --rounds N    rounds (default 2); every round restores once per jobs value, order alternating.
#   --work DIR    data and backups (default benchmarks/work); the database is reused when there.
#   --jobs LIST   the `jobs` option values to compare (default "1 <processors>").
#   --clean       drop the databases and delete the backups at the end.
#   --prepare     generate the database (if missing) and stop: measure later on a quiet machine.
#
# Each restore is `./backup restore ID --yes` (the default, keep-aside: pg_restore --jobs into a new
# database, swapped in by rename) with BACKUP_DATABASE_OPTIONS={"jobs":"N"}, `-Xmx64m`; the database kept aside by
# the previous restore is dropped before each measurement (outside the timing). Next to it the
# native `pg_restore --jobs N` of the same dump into a fresh database, from a plain file (what
# --jobs needs). Results: a Markdown table on stdout and in DIR/jobs-results.md.
# Needs what benchmarks/run.sh needs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GB=4
ROUNDS=2
WORK="$ROOT/benchmarks/work"
JOBS="1 $(nproc)"
CLEAN=0
PREPARE=0
COMMAND_LINE="benchmarks/jobs.sh $*"
die() { printf 'jobs.sh: error: %s\n' "$*" >&2; exit 1; }
log() { printf '[jobs %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --gb) GB="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --clean) CLEAN=1; shift ;;
    --prepare) PREPARE=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1'" ;;
  esac
done
[[ "$GB" =~ ^[1-9][0-9]*$ ]] || die "--gb must be a whole number of GB"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive number"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '(^|_)BACKUP_' || true)
unset JAVA_OPTS PGDATABASE PGPASSWORD 2>/dev/null || true
psql_q() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -w "$@"; }
PG_MAJOR=$(($(psql_q -d postgres -Atc 'show server_version_num') / 10000))
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}"

mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
DB="bkjobs_${GB}g${JOBS_SMOKE:+_smoke}"
RUN="$WORK/jobs-run"
STORE="$RUN/store"
RESULTS="$RUN/results.tsv"
rm -rf "$RUN"
mkdir -p "$RUN/media" "$RUN/spool" "$STORE"

drop_db() { psql_q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null; }
digest() {
  psql_q -d "$1" -At -F ' ' <<'SQL'
SELECT 'items', count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) FROM items t;
SELECT 'blobs', count(*), sum(length(data)) FROM blobs;
SELECT 'indexes', count(*) FROM pg_indexes WHERE schemaname = 'public';
SQL
}

if [ "$(psql_q -d postgres -Atc "select count(*) from pg_database where datname = '$DB'")" != 1 ]; then
  # about 0.5 GB of items (with their indexes) and 0.5 GB of random bytea per 1,000,000 + 120,000 rows
  items=$((GB * 1000000)); blobs=$((GB * 120000))
  if [ -n "${JOBS_SMOKE:-}" ]; then items=20000; blobs=2000; fi # a check of the script itself
  log "generating $DB: $items items, $blobs blobs (several minutes)"
  psql_q -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
  psql_q -d "$DB" -v n="$items" -v b="$blobs" <<'SQL'
CREATE EXTENSION pgcrypto;
CREATE TABLE items (id bigint, sku text, name text, tags text[], attrs jsonb, created timestamptz);
CREATE TABLE blobs (id bigint PRIMARY KEY, data bytea);
INSERT INTO items SELECT g, 'SKU-' || lpad(g::text, 9, '0'), 'Item ' || g || ' ' || md5(g::text) || ' ' || md5((g * 7)::text),
  ARRAY['cat-' || (g % 97), 'supplier-' || (g % 31)],
  jsonb_build_object('color', (ARRAY['red','green','blue'])[1 + g % 3], 'serial', md5((g * 31)::text), 'n', g % 1000),
  timestamptz '2020-01-01 00:00:00+00' + g * interval '7 seconds'
  FROM generate_series(1, :n) g;
INSERT INTO blobs SELECT g, gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024)
  FROM generate_series(1, :b) g;
ALTER TABLE items ADD PRIMARY KEY (id);
CREATE INDEX items_sku ON items (sku);
CREATE INDEX items_attrs ON items USING gin (attrs jsonb_path_ops);
DROP EXTENSION pgcrypto;
VACUUM (FREEZE, ANALYZE);
SQL
fi
[ "$PREPARE" = 1 ] && { log "$DB is ready"; exit 0; }
EXPECTED="$(digest "$DB")"
SIZE_MB=$(($(psql_q -d postgres -Atc "select pg_database_size('$DB')") / 1000000))

cli() {
  env BACKUP_STORAGE=filesystem BACKUP_DIR="$STORE" BACKUP_DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" \
    BACKUP_DATABASE_USER="$PGUSER" BACKUP_MEDIA_DIR="$RUN/media" BACKUP_SPOOL_DIR="$RUN/spool" \
    BACKUP_COMPRESSION=zstd JAVA_OPTS="-Xmx64m" "$ROOT/backup" --quiet "$@"
}
export -f cli
export ROOT STORE DB RUN
"$ROOT/backup" --version >/dev/null # rebuilds a stale jar before any timing
log "backing up $DB ($SIZE_MB MB)"
ID="$(cli create --json | sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p' | head -n 1)"
[ -n "$ID" ] || die "the create printed no backup id"
# the native side restores a plain pg_dump -Fc file (pg_restore --jobs needs one it can seek in)
"$PG_BIN/pg_dump" -w -Fc -Z0 -d "$DB" -f "$RUN/native.dump"

timed() { # name cmd...
  local name="$1"; shift
  psql_q -d postgres -c CHECKPOINT >/dev/null; sync
  /usr/bin/time -f '%e %M' -o "$RUN/$name.time" "$@" >"$RUN/$name.log" 2>&1 || { tail -n 20 "$RUN/$name.log" >&2; die "$name failed"; }
  read -r secs rss < "$RUN/$name.time"
  printf '%s\t%s\t%s\n' "$name" "$secs" "$rss" >> "$RESULTS"
  log "$name: ${secs}s"
}
drop_kept_aside() {
  psql_q -d postgres -Atc "select datname from pg_database where datname like '${DB}\\_\\_pre\\_%'" |
    while read -r d; do drop_db "$d"; done
}

for round in $(seq 1 "$ROUNDS"); do
  order="$JOBS"; [ $((round % 2)) = 0 ] && order="$(printf '%s\n' $JOBS | tac | xargs)"
  for j in $order; do
    drop_kept_aside
    timed "library-jobs$j-r$round" bash -c 'BACKUP_DATABASE_OPTIONS="{\"jobs\":\"$1\"}" cli restore "$2" --yes' _ "$j" "$ID"
    [ "$(digest "$DB")" = "$EXPECTED" ] || die "the restore with jobs=$j differs from the original"
    drop_db "${DB}_native"
    psql_q -d postgres -c "CREATE DATABASE \"${DB}_native\"" >/dev/null
    timed "native-jobs$j-r$round" "$PG_BIN/pg_restore" -w --exit-on-error --jobs="$j" -d "${DB}_native" "$RUN/native.dump"
  done
done
drop_kept_aside
drop_db "${DB}_native"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
{
  echo "Command: \`$COMMAND_LINE\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "PostgreSQL database of $SIZE_MB MB, default restore (keep-aside) against native pg_restore from a plain file; medians of $ROUNDS."
  echo
  echo "| jobs | backupkit restore (s) | native pg_restore --jobs (s) | ratio | all runs, backupkit / native (s) |"
  echo "|---:|---:|---:|---:|---|"
  for j in $JOBS; do
    l="$(grep "^library-jobs$j-" "$RESULTS" | cut -f2 | median)"
    n="$(grep "^native-jobs$j-" "$RESULTS" | cut -f2 | median)"
    echo "| $j | $l | $n | $(awk -v a="$l" -v b="$n" 'BEGIN {printf "%.2fx", a / b}') | $(grep "^library-jobs$j-" "$RESULTS" | cut -f2 | xargs | tr ' ' ',') / $(grep "^native-jobs$j-" "$RESULTS" | cut -f2 | xargs | tr ' ' ',') |"
  done
} | tee "$WORK/jobs-results.md"

if [ "$CLEAN" = 1 ]; then drop_db "$DB"; rm -rf "$RUN"; fi
