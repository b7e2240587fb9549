#!/usr/bin/env bash
# The dedup format against the archive format and restic (issue 21), same machine, same run, same data:
# a first full backup, then a "day" of change (1% of the media files rewritten, 20 added, 20 deleted;
# 1% of the rows of both tables updated, 1,000 inserted), then a second backup. For each of archive,
# dedup and restic: both backups' wall time and the bytes each added to its storage; then restores
# of both backups of archive and dedup, each checked (md5 of every row, every media file).
#
#   benchmarks/dedup.sh [--scale small|full] [--work DIR] [--report FILE] [--clean]
#
#   --scale  small (default: about 30 MB database, 20 MB media, for CI) or full (the benchmark's
#            700 MB database and 550 MB media folder of 2,000 files; opt-in, about half an hour)
#   --work   where data, stores and results go (default benchmarks/work-dedup, gitignored)
#   --report the Markdown table (default: DIR/DEDUP-<scale>.md; benchmarks/DEDUP.md holds the results
#            and notes of the last runs)
#   --clean  drop the database and delete DIR at the end, pass or fail (CI)
#
# restic (Debian's package) gets the dump piped in with --stdin and the media folder as a path,
# concurrently, as the library does; its repository is encrypted (restic has no other mode), the
# library's stores are not. The library runs as users run it: ./backup, JAVA_OPTS=-Xmx64m.
# Needs: psql, pg_dump, restic, GNU time, java 17. Exits non-zero when a backup, a restore or a
# check fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE=small
WORK="$ROOT/benchmarks/work-dedup"
REPORT=""
CLEAN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --report) REPORT="$2"; shift 2 ;;
    --clean) CLEAN=1; shift ;;
    *) echo "dedup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf '[dedup-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'dedup.sh: error: %s\n' "$*" >&2; exit 1; }
case "$SCALE" in
  full) ITEMS=560000; ATTACH=68000; FILES=2000; MEDIA_MB=550 ;;
  small) ITEMS=40000; ATTACH=5000; FILES=200; MEDIA_MB=20 ;;
  *) die "--scale must be small or full" ;;
esac
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
[ -n "$REPORT" ] || REPORT="$WORK/DEDUP-$SCALE.md"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '(^|_)BACKUP_' || true)
unset JAVA_OPTS PGDATABASE PGPASSWORD 2>/dev/null || true
DB="dd_bench_$SCALE"
MEDIA="$WORK/media"
RESULTS="$WORK/results.tsv"
psql_q() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -w "$@"; }

cleanup() {
  if [ "$CLEAN" = 1 ]; then
    psql_q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

if ! command -v restic >/dev/null; then
  [ "$(id -u)" = 0 ] && { apt-get install -y -qq restic >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq restic >/dev/null; }; }
  command -v restic >/dev/null || die "restic is needed (apt-get install restic)"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"
PG_MAJOR=$(( $(psql_q -d postgres -Atc 'show server_version_num') / 10000 ))
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
[ -x "$PG_BIN/pg_dump" ] || PG_BIN="$(dirname "$(command -v pg_dump)")"

log "checking the command line tool (./backup --version builds it when stale)"
"$ROOT/backup" --version >/dev/null || die "./backup --version failed"
# the timed runs use a snapshot of the jar: a source edited meanwhile cannot trigger a build inside a measurement
JAR="$WORK/backup-cli.jar"
cp "$ROOT/backup-cli/target/backup-cli.jar" "$JAR"

# ---- data -------------------------------------------------------------------------------------
log "generating $DB ($ITEMS items, $ATTACH attachments) and $MEDIA ($FILES files, $MEDIA_MB MB)"
psql_q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
psql_q -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
psql_q -d "$DB" -v n="$ITEMS" -v a="$ATTACH" <<'SQL'
CREATE EXTENSION IF NOT EXISTS pgcrypto;
SELECT setseed(0.42);
CREATE TABLE items (id bigint PRIMARY KEY, sku text NOT NULL, name text NOT NULL, description text,
  tags text[], attrs jsonb, price numeric(12,2), created timestamptz);
CREATE TABLE attachments (id bigint PRIMARY KEY, item_id bigint NOT NULL, filename text NOT NULL, data bytea NOT NULL);
INSERT INTO items SELECT g, 'SKU-' || lpad(g::text, 8, '0'),
  (ARRAY['Bolt','Nut','Washer','Resistor','Capacitor','Bracket','Sensor','Cable','Relay','Fuse'])[1 + g % 10] || ' ' || (g % 997),
  'Stock item ' || g || ' stored in bin ' || (g % 500) || '. ' || md5(g::text) || ' ' || md5((g * 17)::text) || ' '
    || repeat(chr(97 + (g % 26)), 1 + g % 40) || ' ' || md5(random()::text),
  ARRAY['cat-' || (g % 97), 'supplier-' || (g % 31)],
  jsonb_build_object('color', (ARRAY['red','green','blue'])[1 + g % 3], 'weight_g', round((random() * 1000)::numeric, 2),
                     'serial', md5((g * 31)::text), 'active', g % 7 <> 0),
  round((random() * 10000)::numeric, 2), timestamptz '2020-01-01 00:00:00+00' + (g * interval '37 seconds')
FROM generate_series(1, :n) g;
INSERT INTO attachments SELECT g, 1 + (g * 7919) % :n, 'scan-' || g || '.bin',
  gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024)
FROM generate_series(1, :a) g;
VACUUM (FREEZE, ANALYZE);
SQL
rm -rf "$MEDIA" && mkdir -p "$MEDIA"
avg=$((MEDIA_MB * 1000000 / FILES))
RANDOM=4242
for ((i = 0; i < FILES; i++)); do
  dir="$MEDIA/part-$(printf '%02d' $((i / 100)))"
  mkdir -p "$dir"
  size=$(( avg * (100 + 18 * ((RANDOM * 32768 + RANDOM) % 1000) / 10) / 1000 ))
  if (( i % 4 == 3 )); then
    base64 -w 76 < <(head -c $((size * 3 / 4)) /dev/urandom) | tr 'A-Za-f' 'a-zaaaaaa' > "$dir/notes-$i.txt"
  else
    head -c "$size" /dev/urandom > "$dir/photo-$i.jpg"
  fi
done

pg_digest() {
  psql_q -d "$DB" -At -F ' ' <<'SQL'
SELECT 'items', count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) FROM items t;
SELECT 'attachments', count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) FROM attachments t;
SQL
}
media_sums() { (cd "$MEDIA" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum); }
stored() { du -sb "$1" | cut -f1; }

# ---- the three tools ----------------------------------------------------------------------------
PG_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
rm -rf "$WORK/store-archive" "$WORK/store-dedup" "$WORK/restic" "$WORK/spool"
mkdir -p "$WORK/store-archive" "$WORK/store-dedup" "$WORK/spool"
cli() { # format args...
  local format="$1"; shift
  env BACKUP_STORAGE=filesystem BACKUP_DIR="$WORK/store-$format" BACKUP_FORMAT="$format" \
    BACKUP_DATABASE_URL="$PG_URL" BACKUP_DATABASE_USER="$PGUSER" BACKUP_MEDIA_DIR="$MEDIA" \
    BACKUP_SPOOL_DIR="$WORK/spool" BACKUP_CLI_JAR="$JAR" JAVA_OPTS="-Xmx64m" "$ROOT/backup" --quiet "$@"
}
PASSFILE="$WORK/restic-password"
( umask 077; head -c 24 /dev/urandom | base64 > "$PASSFILE" )
export RESTIC_REPOSITORY="$WORK/restic" RESTIC_PASSWORD_FILE="$PASSFILE" RESTIC_CACHE_DIR="$WORK/restic-cache"
restic init >/dev/null
restic_backup() {
  "$PG_BIN/pg_dump" -Fc -Z0 -d "$DB" | restic backup --quiet --stdin --stdin-filename db.pgdump &
  local p1=$!
  restic backup --quiet "$MEDIA" &
  local p2=$!
  wait "$p1" && wait "$p2"
}
# the timed commands run in a child bash under GNU time
export ROOT WORK PG_URL PGUSER MEDIA PG_BIN DB JAR
export -f cli restic_backup

: > "$RESULTS"
timed() { # label command...: wall seconds and peak RSS (MiB) into RESULTS
  local label="$1"; shift
  local t="$WORK/time.out"
  /usr/bin/time -f '%e %M' -o "$t" bash -c '"$@"' _ "$@" > /dev/null || die "$label failed"
  read -r secs rss < "$t"
  printf '%s\t%s\t%s\n' "$label" "$secs" "$((rss / 1024))" >> "$RESULTS"
  log "$label: ${secs}s, peak RSS $((rss / 1024)) MiB"
}
backup_round() { # n
  local before
  for tool in archive dedup restic; do
    before=$(stored "$WORK/$([ $tool = restic ] && echo restic || echo store-$tool)")
    if [ $tool = restic ]; then timed "backup$1 $tool" restic_backup
    else timed "backup$1 $tool" cli "$tool" create; fi
    printf 'added%s %s\t%s\n' "$1" "$tool" "$(( $(stored "$WORK/$([ $tool = restic ] && echo restic || echo store-$tool)") - before ))" >> "$RESULTS"
  done
}

log "first backups"
DIGEST1="$(pg_digest)"; MEDIA1="$(media_sums)"
backup_round 1

log "a day of change"
CHANGE=$(( FILES / 100 )); [ "$CHANGE" -ge 1 ] || CHANGE=1
psql_q -d "$DB" -v n="$ITEMS" <<'SQL'
UPDATE items SET price = price + 1, attrs = attrs || '{"seen": true}' WHERE id % 100 = 0;
UPDATE attachments SET filename = filename || '.v2' WHERE id % 100 = 0;
INSERT INTO items SELECT g, 'SKU-N' || g, 'New item ' || g, md5(g::text), NULL, '{}', 1, now()
  FROM generate_series(:n + 1, :n + 1000) g;
SQL
mapfile -t all < <(cd "$MEDIA" && find . -type f | LC_ALL=C sort)
for ((i = 0; i < CHANGE; i++)); do f="$MEDIA/${all[$((i * 97 % ${#all[@]}))]}"; head -c "$(stat -c %s "$f")" /dev/urandom > "$f"; done
for ((i = 0; i < 20; i++)); do rm -f "$MEDIA/${all[$((i * 89 % ${#all[@]} ))]}"; done
mkdir -p "$MEDIA/new"
for ((i = 0; i < 20; i++)); do head -c "$avg" /dev/urandom > "$MEDIA/new/added-$i.jpg"; done
DIGEST2="$(pg_digest)"; MEDIA2="$(media_sums)"

log "second backups"
backup_round 2

log "restores (each checked)"
check() { # what digest media
  [ "$(pg_digest)" = "$2" ] || die "$1: the database differs"
  [ "$(media_sums)" = "$3" ] || die "$1: the media folder differs"
}
ids() { cli "$1" list --json | grep -o '"id" *: *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'; }
for format in archive dedup; do
  mapfile -t backups < <(ids "$format")   # newest first
  timed "restore2 $format" cli "$format" restore "${backups[0]}" --yes --no-safety-backup
  check "restore2 $format" "$DIGEST2" "$MEDIA2"
  timed "restore1 $format" cli "$format" restore "${backups[1]}" --yes --no-safety-backup
  check "restore1 $format" "$DIGEST1" "$MEDIA1"
done

# ---- report ------------------------------------------------------------------------------------
val() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$RESULTS"; }
rss() { awk -F'\t' -v k="$1" '$1 == k { print $3 }' "$RESULTS"; }
mbs() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
cell() { if [ -n "$1" ]; then echo "$1 s"; else echo "n/a"; fi; }
x() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
{
  echo "## Dedup benchmark ($SCALE scale)"
  echo
  echo "\`benchmarks/dedup.sh --scale $SCALE\` on $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), revision"
  echo "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); restic $(restic version | cut -d' ' -f2)."
  echo "Database $(mbs "$(psql_q -d postgres -Atc "select pg_database_size('$DB')")") MB on disk, media $(mbs "$(du -sb "$MEDIA" | cut -f1)") MB in $FILES files."
  echo
  echo "| | first backup | second backup | bytes the second added | restore of the second | restore of the first |"
  echo "|---|---|---|---|---|---|"
  for t in archive dedup restic; do
    a1=$(val "added1 $t"); a2=$(val "added2 $t")
    r2="$(val "restore2 $t")"; r1="$(val "restore1 $t")"
    echo "| $t | $(val "backup1 $t") s, $(mbs "$a1") MB | $(val "backup2 $t") s | $(mbs "$a2") MB ($(pct "$a2" "$a1") of the first) | $(cell "$r2") | $(cell "$r1") |"
  done
  echo
  echo "Targets: second dedup backup adds $(pct "$(val 'added2 dedup')" "$(val 'added1 dedup')") of the first's bytes (<= 10%) and"
  echo "$(x "$(val 'added2 dedup')" "$(val 'added2 restic')") restic's (<= 0.5x); it takes $(x "$(val 'backup2 dedup')" "$(val 'backup1 dedup')") of the first dedup"
  echo "backup's time (<= 0.6x) and $(x "$(val 'backup2 dedup')" "$(val 'backup2 restic')") restic's second (<= 1x); the first dedup backup takes"
  echo "$(x "$(val 'backup1 dedup')" "$(val 'backup1 archive')") an archive backup (<= 1.3x); dedup restores take $(x "$(val 'restore2 dedup')" "$(val 'restore2 archive')") and"
  echo "$(x "$(val 'restore1 dedup')" "$(val 'restore1 archive')") an archive restore (<= 1.2x). Peak RSS of the library (-Xmx64m): dedup backup"
  echo "$(rss 'backup1 dedup') MiB, dedup restore $(rss 'restore2 dedup') MiB."
} > "$REPORT"
cat "$REPORT"
log "report written to $REPORT"
