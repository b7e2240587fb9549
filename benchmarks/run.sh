#!/usr/bin/env bash
# backupkit benchmark: the library's command line tool against the best hand-run native pipeline
# (DESIGN.md section 10, issue 10).
#
#   benchmarks/run.sh [--scale small|full] [--rounds N] [--work DIR] [--report FILE]
#                     [--no-build] [--clean] [--keep-data] [--report-only]
#
#   --scale small|full  full (default): a PostgreSQL database of about 700 MB (text, jsonb, arrays,
#                       incompressible bytea), a media folder of about 550 MB in 2,000 files (three
#                       quarters incompressible, one quarter text) and an H2 database of about
#                       350 MB. small: about 50 MB + 40 MB + 5 MB, for CI (well under 3 minutes).
#   --rounds N          rounds of every measurement, alternating which side goes first (default 3;
#                       medians are reported).
#   --work DIR          where the data, the backups and the results go (default benchmarks/work,
#                       gitignored). The generated data is reused when it is there and of the same
#                       scale; the databases are named after the scale and a hash of DIR.
#   --report FILE       the Markdown report (default: BENCHMARKS.md at the repository root for
#                       --scale full, DIR/BENCHMARKS-small.md for --scale small). It also holds the
#                       scale notes from the other scale's last results in DIR, and
#                       benchmarks/NOTES.md verbatim when that file exists.
#   --no-build          use backup-cli/target/backup-cli.jar as it is (default: run `./backup
#                       --version` first so the launcher rebuilds a stale jar before any timing).
#   --clean             drop the benchmark databases and delete what the script wrote in DIR at the
#                       end, pass or fail (CI).
#   --keep-data         with --clean: keep the generated data, delete only the run folder.
#   --report-only       write the report again from the last results in DIR (no measurement), e.g.
#                       after editing benchmarks/NOTES.md or running the other scale.
#
# Every round measures, each with `/usr/bin/time -f '%e %M %U %S'` (wall seconds, peak RSS in KiB of
# the largest process in the tree; user and system CPU seconds of the tree, in the results file and
# the log only):
#   create   library: ./backup create (the launcher on a snapshot of backup-cli.jar, with its
#            class-data archive, JAVA_OPTS=-Xmx64m, filesystem storage, zstd) of the PostgreSQL
#            database plus the media folder;
#            native:  pg_dump -Fc -Z0 | zstd -T0  concurrently with  tar -I 'zstd -T0' -cf
#   restore  library: ./backup restore latest --yes --no-safety-backup (same heap) over the live
#            database and media folder (verify-before-apply included);
#            native:  CREATE DATABASE fresh; zstd -dc | pg_restore -d fresh  concurrently with
#            tar -I zstd -xf into a fresh folder
#   restore-keepaside  library: ./backup restore ID --yes, the default (--safety=keep-aside: pg_restore
#            --jobs into a new database, swapped in by rename; the old state kept aside), then
#   rollback library: ./backup rollback --yes (puts the kept-aside state back), and
#   restore-backup     library: ./backup restore ID --yes --safety=backup (a pre-restore backup first)
#   h2       library only: create and restore with an H2 file database plus the same media folder
#            (the embedded default).
# After every restore the result is checked (row counts and an md5 digest of every table, the
# md5 of every media file, diff -r of the two restored media folders); any failure of a backup, a
# restore or a check makes the script exit non-zero.
#
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres; trust or ~/.pgpass), PG_BIN
# (default: /usr/lib/postgresql/<server major>/bin when present), JAVA (java), BENCH_XMX (64m),
# BENCH_CDS (on; off runs without the launcher's class-data archives), BENCH_JVM_EXTRA (more JVM
# options for the library's runs).
# Needs: psql, pg_dump, pg_restore, zstd, GNU tar, /usr/bin/time (Debian package `time`), java 17.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE=full
ROUNDS=3
WORK="$ROOT/benchmarks/work"
REPORT=""
BUILD=1
CLEAN=0
KEEP_DATA=0
REPORT_ONLY=0
COMMAND_LINE="benchmarks/run.sh $*"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="${2:-}"; shift 2 ;;
    --scale=*) SCALE="${1#*=}"; shift ;;
    --rounds) ROUNDS="${2:-}"; shift 2 ;;
    --rounds=*) ROUNDS="${1#*=}"; shift ;;
    --work) WORK="${2:-}"; shift 2 ;;
    --work=*) WORK="${1#*=}"; shift ;;
    --report) REPORT="${2:-}"; shift 2 ;;
    --report=*) REPORT="${1#*=}"; shift ;;
    --no-build) BUILD=0; shift ;;
    --clean) CLEAN=1; shift ;;
    --keep-data) KEEP_DATA=1; shift ;;
    --report-only) REPORT_ONLY=1; BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done
case "$SCALE" in small|full) ;; *) die "--scale must be small or full, not '$SCALE'" ;; esac
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive number, not '$ROUNDS'"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
if [ -z "$REPORT" ]; then
  if [ "$SCALE" = full ]; then REPORT="$ROOT/BENCHMARKS.md"; else REPORT="$WORK/BENCHMARKS-small.md"; fi
fi

# ---------------------------------------------------------------------------------------------
# Scale parameters
# ---------------------------------------------------------------------------------------------
if [ "$SCALE" = full ]; then
  PG_ITEMS=560000      # ~330 MB of text, jsonb and arrays (with indexes)
  PG_ATTACH=68000      # ~370 MB of random bytea (4 KiB a row, TOASTed, incompressible)
  MEDIA_FILES=2000
  MEDIA_MB=550
  H2_ROWS=180000       # ~350 MB H2 file
else
  PG_ITEMS=40000
  PG_ATTACH=5000
  MEDIA_FILES=200
  MEDIA_MB=40
  H2_ROWS=5000
fi
DATA_SPEC="v1 scale=$SCALE items=$PG_ITEMS attach=$PG_ATTACH files=$MEDIA_FILES mb=$MEDIA_MB h2=$H2_ROWS"
XMX="${BENCH_XMX:-64m}"
CDS="${BENCH_CDS:-on}"
JAVA="${JAVA:-java}"
JAR="$ROOT/backup-cli/target/backup-cli.jar"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
# The library reads BACKUP_* from the environment: only the benchmark's own settings may count.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '(^|_)BACKUP_' || true)
unset JAVA_OPTS PGDATABASE PGPASSWORD PGSERVICE 2>/dev/null || true

WORK_HASH="$(printf '%s' "$WORK" | cksum | cut -d' ' -f1)"
DB="bkbench_${SCALE}_${WORK_HASH}"
DB_NATIVE="${DB}_native"
DATA="$WORK/data-$SCALE"
MEDIA="$DATA/media"
H2_DIR="$DATA/h2"
H2_URL="jdbc:h2:file:$H2_DIR/bench"
RUN="$WORK/run-$SCALE"
RESULTS="$WORK/results-$SCALE.tsv"

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
install_if_missing() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $2 (for $1)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; } \
      || die "could not install $2; install it (apt-get install $2) and retry"
  else
    die "$1 is missing; install the package $2"
  fi
}
[ -x /usr/bin/time ] || install_if_missing /usr/bin/time time
install_if_missing zstd zstd
install_if_missing psql postgresql-client
command -v "$JAVA" >/dev/null 2>&1 || die "java is missing (JDK 17 needed); set JAVA"
# the launcher runs $JAVA_HOME/bin/java
JAVA_HOME_OF_JAVA="$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")"
tar --version 2>/dev/null | grep -q 'GNU tar' || die "GNU tar is needed"

psql_q() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -w "$@"; }
pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null || psql_q -d postgres -Atc 'select 1' >/dev/null \
  || die "PostgreSQL is not reachable at $PGHOST:$PGPORT as $PGUSER"
PG_MAJOR="$(psql_q -d postgres -Atc 'show server_version_num')"
PG_MAJOR=$((PG_MAJOR / 10000))
if [ -z "${PG_BIN:-}" ]; then
  if [ -x "/usr/lib/postgresql/$PG_MAJOR/bin/pg_dump" ]; then PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
  else PG_BIN="$(dirname "$(command -v pg_dump)")"; fi
fi
[ -x "$PG_BIN/pg_dump" ] && [ -x "$PG_BIN/pg_restore" ] || die "pg_dump/pg_restore not found in $PG_BIN; set PG_BIN"

# ---------------------------------------------------------------------------------------------
# The command line tool
# ---------------------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  log "checking the command line tool (./backup --version builds it when stale)"
  "$ROOT/backup" --version >/dev/null || die "./backup --version failed (see above)"
fi
[ -f "$JAR" ] || die "$JAR is missing; build it with ./backup --version or mvn -pl backup-cli -am install"

# The timed runs call a snapshot of the jar exactly as ./backup does (exec java $JAVA_OPTS -jar ...),
# without the launcher's staleness check: a source edited during the benchmark can neither trigger
# a build inside a measurement nor swap the jar between rounds.
SNAPSHOT="$WORK/backup-cli-$SCALE.jar"
[ "$REPORT_ONLY" = 1 ] || for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
  cp "$JAR" "$SNAPSHOT.tmp" 2>/dev/null \
    && "$JAVA" -cp "$SNAPSHOT.tmp" org.h2.tools.Shell -help >/dev/null 2>&1 \
    && CLI_VERSION="$("$JAVA" -jar "$SNAPSHOT.tmp" --version 2>/dev/null | head -n 1)" && break
  [ "$attempt" = 12 ] && die "$JAR is not a complete command line jar (is a build running?)"
  log "$JAR looks incomplete (a build running?); retrying in 5 s"
  sleep 5
done
# the revision measured, recorded now: a later --report-only must not name whatever is checked out then
lib_rev() {
  local dirty=""
  [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -v ' benchmarks/' | grep -v ' BENCHMARKS.md' | head -n 1)" ] && dirty=" plus uncommitted changes"
  echo "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$dirty"
}
if [ "$REPORT_ONLY" = 0 ]; then
  mv "$SNAPSHOT.tmp" "$SNAPSHOT"
  CLI_STAMP="$(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC')"
  LIB_REV="$(lib_rev)"
fi
JAR="$SNAPSHOT"

# The timed runs go through the ./backup launcher, as users run the tool (its JVM flags and its
# class-data archives, made beside the snapshot jar by warm_up below), but on the snapshot jar
# (BACKUP_CLI_JAR: no staleness check, no build).
cli() { # store-dir db-url db-user args...
  local store="$1" url="$2" user="$3"
  shift 3
  env BACKUP_STORAGE=filesystem BACKUP_DIR="$store" BACKUP_DATABASE_URL="$url" \
    BACKUP_DATABASE_USER="$user" BACKUP_MEDIA_DIR="${BENCH_MEDIA:-$MEDIA}" BACKUP_SPOOL_DIR="$RUN/spool" \
    BACKUP_COMPRESSION=zstd BACKUP_CLI_JAR="$JAR" BACKUP_CDS="$CDS" \
    JAVA_HOME="$JAVA_HOME_OF_JAVA" JAVA_OPTS="-Xmx$XMX ${BENCH_JVM_EXTRA:-}" \
    "$ROOT/backup" --quiet "$@"
}
PG_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------
db_exists() { [ "$(psql_q -d postgres -Atc "select count(*) from pg_database where datname = '$1'")" = 1 ]; }
drop_db() { psql_q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null; }

# A digest of the whole database content: row count and md5 of every row, per table, in key order.
pg_digest() { # db
  psql_q -d "$1" -At -F ' ' <<'SQL'
SELECT 'items', count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) FROM items t;
SELECT 'attachments', count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) FROM attachments t;
SELECT 'schema', count(*), md5(string_agg(c.relname || ':' || c.relkind::text, ',' ORDER BY c.relname))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public';
SQL
}

media_sums() { # dir: md5, size and mode of every file, sorted by path
  (cd "$1" && find . -type f -printf '%P\t%s\t%m\n' | LC_ALL=C sort && \
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum)
}

h2_sql() { # sql
  "$JAVA" -cp "$JAR" org.h2.tools.Shell -url "$H2_URL" -user sa -password "" -sql "$1"
}
h2_digest() {
  h2_sql "SELECT COUNT(*), SUM(ORA_HASH(TITLE)), SUM(ORA_HASH(BODY)), SUM(ORA_HASH(PAYLOAD)), SUM(ORA_HASH(CAST(META AS VARCHAR))) FROM DOCS" | grep -v '^('
}

gen_pg() {
  log "generating PostgreSQL database $DB ($PG_ITEMS items, $PG_ATTACH attachments)"
  drop_db "$DB"
  psql_q -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
  psql_q -d "$DB" <<'SQL'
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE items (
  id bigint NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  description text,
  tags text[],
  attrs jsonb,
  price numeric(12,2),
  created timestamptz
);
CREATE TABLE attachments (
  id bigint NOT NULL,
  item_id bigint NOT NULL,
  filename text NOT NULL,
  data bytea NOT NULL
);
SQL
  # the two tables are filled concurrently; random() is seeded for the text, bytea is random anyway
  psql_q -d "$DB" -v n="$PG_ITEMS" <<'SQL' &
SELECT setseed(0.42) \gset
INSERT INTO items
SELECT g,
       'SKU-' || lpad(g::text, 8, '0'),
       (ARRAY['Bolt','Nut','Washer','Resistor','Capacitor','Bracket','Sensor','Cable','Relay','Fuse'])[1 + g % 10]
         || ' ' || (g % 997) || 'x' || (g % 13),
       'Stock item ' || g || ' stored in bin ' || (g % 500) || ' of '
         || (ARRAY['main warehouse','north store','workshop','returns shelf'])[1 + g % 4] || '. '
         || md5(g::text) || ' ' || md5((g * 17)::text) || ' '
         || (ARRAY['In stock and ready to ship.','Backordered until next month.','Discontinued by the supplier.',
                   'Refurbished, tested and labelled.','Reserved for build order ' || (g % 9000) || '.'])[1 + g % 5]
         || ' ' || repeat(chr(97 + (g % 26)), 1 + g % 40) || ' ' || md5(random()::text),
       ARRAY['cat-' || (g % 97), 'supplier-' || (g % 31), CASE WHEN g % 3 = 0 THEN 'rohs' ELSE 'legacy' END],
       jsonb_build_object('color', (ARRAY['red','green','blue','black','white'])[1 + g % 5],
                          'weight_g', round((random() * 1000)::numeric, 2),
                          'dims_mm', jsonb_build_array(g % 50, g % 70, g % 90),
                          'serial', md5((g * 31)::text),
                          'active', g % 7 <> 0),
       round((random() * 10000)::numeric, 2),
       timestamptz '2020-01-01 00:00:00+00' + (g * interval '37 seconds')
FROM generate_series(1, :n) g;
SQL
  local p_items=$!
  psql_q -d "$DB" -v n="$PG_ATTACH" <<'SQL' &
INSERT INTO attachments
SELECT g, 1 + (g * 7919) % 50000, 'scan-' || g || '.bin',
       gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024)
FROM generate_series(1, :n) g;
SQL
  local p_att=$!
  local rc=0
  wait "$p_items" || rc=1
  wait "$p_att" || rc=1
  [ "$rc" = 0 ] || die "filling $DB failed"
  psql_q -d "$DB" <<'SQL'
UPDATE attachments SET item_id = 1 + item_id % (SELECT count(*) FROM items) WHERE item_id > (SELECT count(*) FROM items);
ALTER TABLE items ADD PRIMARY KEY (id);
ALTER TABLE attachments ADD PRIMARY KEY (id);
ALTER TABLE attachments ADD FOREIGN KEY (item_id) REFERENCES items (id);
CREATE INDEX attachments_item_id ON attachments (item_id);
CREATE INDEX items_attrs ON items USING gin (attrs jsonb_path_ops);
DROP EXTENSION pgcrypto;
SQL
  psql_q -d "$DB" -c 'VACUUM (FREEZE, ANALYZE)' >/dev/null
}

gen_media() {
  log "generating media folder ($MEDIA_FILES files, about $MEDIA_MB MB)"
  rm -rf "$MEDIA" "$DATA/corpus.txt"
  mkdir -p "$MEDIA"
  # a text corpus of pseudo-random words (compresses about 4x with zstd -3)
  awk -v bytes=$((24 << 20)) 'BEGIN {
    srand(7)
    n = split("the a of to and in is for on with by stock item part order supplier build " \
              "bin location quantity serial number batch received shipped returned tested " \
              "resistor capacitor bolt nut washer sensor cable relay fuse bracket housing " \
              "note invoice project revision approved pending customer warehouse shelf " \
              "january march june september december 2024 2025 2026 mm kg pcs", w, " ")
    total = 0
    while (total < bytes) {
      line = "Line " int(rand() * 100000) ":"
      k = 6 + int(rand() * 12)
      for (i = 0; i < k; i++) line = line " " w[1 + int(rand() * n)]
      line = line " " int(rand() * 1000000) "."
      print line
      total += length(line) + 1
    }
  }' > "$DATA/corpus.txt"
  local corpus_size total_bytes avg i dir size u kind name off
  corpus_size=$(stat -c %s "$DATA/corpus.txt")
  total_bytes=$((MEDIA_MB * 1000 * 1000))
  avg=$((total_bytes / MEDIA_FILES))
  RANDOM=4242
  for ((i = 0; i < MEDIA_FILES - 2; i++)); do  # + 2 special files below
    dir="$MEDIA/part-$(printf '%02d' $((i / 100)))"
    [ -d "$dir" ] || mkdir -p "$dir"
    u=$(( (RANDOM * 32768 + RANDOM) % 1000 ))           # 0..999
    size=$(( avg * (100 + 18 * u / 10) / 1000 ))         # 0.1x .. 1.9x the average
    if (( i % 4 == 3 )); then
      name="$dir/notes-$(printf '%04d' "$i").txt"
      off=$(( (RANDOM * 32768 + RANDOM) % (corpus_size - size > 1 ? corpus_size - size : 1) ))
      dd if="$DATA/corpus.txt" of="$name" bs=1M skip="$off" count="$size" iflag=skip_bytes,count_bytes status=none
    else
      name="$dir/photo-$(printf '%04d' "$i").jpg"
      head -c "$size" /dev/urandom > "$name"
    fi
  done
  # a few names a tar implementation must get right: spaces, non-ASCII, a long path, an empty file
  local deep="$MEDIA/part-00/Attachments/Déjà vu – ünïcode/$(printf 'very-long-folder-name-%.0s' 1 2 3 4 5)"
  mkdir -p "$deep"
  printf 'hello\n' > "$deep/résumé final (v2).txt"
  : > "$MEDIA/part-00/empty file.txt"
  chmod 0640 "$MEDIA/part-00/empty file.txt"
  rm -f "$DATA/corpus.txt"
}

gen_h2() {
  log "generating H2 database ($H2_ROWS rows)"
  rm -rf "$H2_DIR"
  mkdir -p "$H2_DIR"
  h2_sql "CREATE TABLE DOCS(ID BIGINT PRIMARY KEY, TITLE VARCHAR(200) NOT NULL, BODY VARCHAR(2000), META JSON, PAYLOAD VARBINARY(1000));
INSERT INTO DOCS SELECT X, 'Document ' || X, REPEAT(CAST(RANDOM_UUID() AS VARCHAR) || ' stock note ', 6),
  JSON_OBJECT('n': X, 'tag': 'cat-' || MOD(X, 97), 'ok': MOD(X, 3) = 0), SECURE_RAND(600) FROM SYSTEM_RANGE(1, $H2_ROWS);
CREATE INDEX DOCS_TITLE ON DOCS(TITLE);" >/dev/null
}

data_ready() {
  [ -f "$DATA/READY" ] && [ "$(cat "$DATA/READY")" = "$DATA_SPEC" ] || return 1
  db_exists "$DB" && [ -f "$DATA/db.digest" ] && [ -f "$DATA/media.sums" ] && [ -f "$DATA/h2.digest" ] || return 1
  [ "$(psql_q -d "$DB" -Atc 'select count(*) from items' 2>/dev/null)" = "$PG_ITEMS" ] || return 1
  [ -f "$H2_DIR/bench.mv.db" ] || return 1
}

prepare_data() {
  if data_ready; then
    log "reusing the $SCALE data in $DATA and database $DB"
    if [ ! -f "$DATA/h2-pristine.mv.db" ]; then
      gen_h2
      h2_digest > "$DATA/h2.digest"
      cp "$H2_DIR/bench.mv.db" "$DATA/h2-pristine.mv.db"
    fi
    return
  fi
  rm -f "$DATA/READY"
  mkdir -p "$DATA"
  local t0=$SECONDS
  gen_media &
  local p_media=$!
  gen_pg
  wait "$p_media" || die "generating the media folder failed"
  gen_h2
  log "digests of the generated data"
  pg_digest "$DB" > "$DATA/db.digest"
  media_sums "$MEDIA" > "$DATA/media.sums"
  h2_digest > "$DATA/h2.digest"
  # H2 does not give the space of a restore back: every round starts from this copy
  cp "$H2_DIR/bench.mv.db" "$DATA/h2-pristine.mv.db"
  printf '%s\n' "$DATA_SPEC" > "$DATA/READY"
  log "data ready in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------
ROUND=0
# measure NAME cmd... : runs cmd under /usr/bin/time, appends "scale round name seconds rss_kib"
measure() {
  local name="$1"
  shift
  local tf="$RUN/logs/$name-$ROUND.time" lf="$RUN/logs/$name-$ROUND.log"
  log "round $ROUND: $name"
  # the previous measurement's written data (about 0.8 GB at full scale) would otherwise be flushed
  # to disk during this one, by the kernel's writeback, and slow whichever side runs next; the same
  # holds for PostgreSQL's own checkpoint of the previous restore's (or VACUUM's) WAL: a checkpoint
  # started by the WAL volume spreads its writes over 8-14 s and ran into the next measurement
  # (NOTES F10). DROP DATABASE, which only the native side's preparation runs, forces one too.
  psql_q -d postgres -c CHECKPOINT >/dev/null || log "warning: CHECKPOINT failed (needs a superuser or pg_checkpoint)"
  sync
  # the commands are shell functions: exported (export -f) and run by a child bash
  if ! /usr/bin/time -f '%e %M %U %S' -o "$tf" bash -c '"$@"' _ "$@" >"$lf" 2>&1; then
    tail -n 40 "$lf" >&2 || true
    die "$name failed in round $ROUND (log: $lf)"
  fi
  local secs rss usr sys
  read -r secs rss usr sys < <(tail -n 1 "$tf")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SCALE" "$ROUND" "$name" "$secs" "$rss" "$(cut -d' ' -f1 /proc/loadavg)" \
    "$usr" "$sys" >> "$RESULTS.partial"
  log "round $ROUND: $name ${secs}s (CPU ${usr}s user + ${sys}s sys), peak RSS $((rss / 1024)) MiB"
}

native_create() { # out-dir
  local out="$1"
  bash -c '
    set -o pipefail
    "$1/pg_dump" -w -Fc -Z0 -d "$2" | zstd -T0 -q -o "$3/db.dump.zst" & p1=$!
    tar -I "zstd -T0" -cf "$3/media.tar.zst" -C "$4" . & p2=$!
    rc=0; wait $p1 || rc=1; wait $p2 || rc=1; exit $rc' _ "$PG_BIN" "$DB" "$out" "$MEDIA"
}

native_restore() { # in-dir fresh-db fresh-folder
  bash -c '
    set -o pipefail
    psql -X -q -w -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$3\"" || exit 1
    mkdir "$4" || exit 1
    zstd -dc "$2/db.dump.zst" | "$1/pg_restore" -w --exit-on-error -d "$3" & p1=$!
    tar -I zstd -xf "$2/media.tar.zst" -C "$4" & p2=$!
    rc=0; wait $p1 || rc=1; wait $p2 || rc=1; exit $rc' _ "$PG_BIN" "$1" "$2" "$3"
}

check_pg() { # db what
  local got
  got="$(pg_digest "$1")"
  [ "$got" = "$(cat "$DATA/db.digest")" ] || {
    printf 'expected:\n%s\ngot:\n%s\n' "$(cat "$DATA/db.digest")" "$got" >&2
    rm -f "$DATA/READY"
    die "$2: the restored database $1 differs from the original"
  }
}
check_media() { # dir what
  media_sums "$1" > "$RUN/media.sums.check"
  cmp -s "$RUN/media.sums.check" "$DATA/media.sums" || {
    diff "$DATA/media.sums" "$RUN/media.sums.check" | head -n 20 >&2 || true
    rm -f "$DATA/READY"
    die "$2: the restored media folder $1 differs from the original"
  }
}

lib_create_pg() { cli "$RUN/store-pg" "$PG_URL" "$PGUSER" create --json; }
lib_restore_pg() { cli "$RUN/store-pg" "$PG_URL" "$PGUSER" restore "${BENCH_ID:-latest}" --yes --no-safety-backup; }
lib_restore_pg_keepaside() { cli "$RUN/store-pg" "$PG_URL" "$PGUSER" restore "$BENCH_ID" --yes; }
lib_restore_pg_backup() { cli "$RUN/store-pg" "$PG_URL" "$PGUSER" restore "$BENCH_ID" --yes --safety=backup; }
lib_rollback_pg() { cli "$RUN/store-pg" "$PG_URL" "$PGUSER" rollback --yes; }
lib_create_h2() { cli "$RUN/store-h2" "$H2_URL" sa create --json; }
lib_restore_h2() { cli "$RUN/store-h2" "$H2_URL" sa restore latest --yes --no-safety-backup; }

# One create and one restore of a tiny database and media folder before the timed rounds: the
# launcher writes its class-data archives for the snapshot jar on a command's first successful run
# (about 0.5 s once), so every timed run measures the steady state a user has from the second run on.
DB_WARM="${DB}_warm"
warm_up() {
  [ "$CDS" = off ] && return 0
  log "warm-up: the launcher's class-data archives for create and restore"
  drop_db "$DB_WARM"
  psql_q -d postgres -c "CREATE DATABASE \"$DB_WARM\"" >/dev/null
  psql_q -d "$DB_WARM" -c "CREATE TABLE t (id bigint PRIMARY KEY, v text, j jsonb, b bytea);
    INSERT INTO t SELECT g, md5(g::text), jsonb_build_object('g', g), '\\x00ff' FROM generate_series(1, 100) g" >/dev/null
  rm -rf "$RUN/warm-store" "$RUN/warm-media"
  mkdir -p "$RUN/warm-store" "$RUN/warm-media/sub"
  printf 'warm\n' > "$RUN/warm-media/sub/a.txt"
  head -c 100000 /dev/urandom > "$RUN/warm-media/b.bin"
  local url="jdbc:postgresql://$PGHOST:$PGPORT/$DB_WARM"
  # twice: a command's first run writes its archive under a pending name, the next one checks it and
  # puts it in place (see ./backup); the measured runs then map it
  local pass
  for pass in 1 2; do
    BENCH_MEDIA="$RUN/warm-media" cli "$RUN/warm-store" "$url" "$PGUSER" create --json >/dev/null \
      && BENCH_MEDIA="$RUN/warm-media" cli "$RUN/warm-store" "$url" "$PGUSER" restore latest --yes --no-safety-backup >/dev/null \
      || die "warm-up create/restore failed (pass $pass)"
  done
  drop_db "$DB_WARM"
  rm -rf "$RUN/warm-store" "$RUN/warm-media"
  ls "$WORK/$(basename "$JAR" .jar)".create.*.jsa "$WORK/$(basename "$JAR" .jar)".restore.*.jsa >/dev/null 2>&1 \
    || die "the launcher wrote no class-data archive for $JAR (see ./backup)"
}

round_create() {
  rm -rf "$RUN/store-pg" "$RUN/native"
  mkdir -p "$RUN/store-pg" "$RUN/native"
  if (( ROUND % 2 == 1 )); then
    measure create-lib lib_create_pg
    measure create-native native_create "$RUN/native"
  else
    measure create-native native_create "$RUN/native"
    measure create-lib lib_create_pg
  fi
  # artifact sizes, for the report
  local lib_db lib_media
  lib_db=$(find "$RUN/store-pg" -name '*.db.*' -printf '%s\n' | head -n 1)
  lib_media=$(find "$RUN/store-pg" -name '*.media.*' -printf '%s\n' | head -n 1)
  [ -n "$lib_db" ] && [ -n "$lib_media" ] && ls "$RUN/store-pg"/*.manifest.json >/dev/null 2>&1 \
    || die "round $ROUND: the library's backup is incomplete in $RUN/store-pg"
  printf 'sizes\t%s\t%s\t%s\t%s\n' "$lib_db" "$lib_media" \
    "$(stat -c %s "$RUN/native/db.dump.zst")" "$(stat -c %s "$RUN/native/media.tar.zst")" > "$WORK/sizes-$SCALE.tsv"
}

lib_restore_checked() {
  measure restore-lib lib_restore_pg
  check_pg "$DB" "restore-lib"
  check_media "$MEDIA" "restore-lib"
  # a restore rewrites every table: freeze it again so that the next round's dumps start alike
  psql_q -d "$DB" -c 'VACUUM (FREEZE, ANALYZE)' >/dev/null
}
# the default restore (keep-aside), its rollback, and a restore with a safety backup first
lib_restore_modes_checked() {
  measure restore-keepaside lib_restore_pg_keepaside
  check_pg "$DB" "restore-keepaside"
  check_media "$MEDIA" "restore-keepaside"
  measure rollback lib_rollback_pg
  check_pg "$DB" "rollback"
  check_media "$MEDIA" "rollback"
  measure restore-backup lib_restore_pg_backup
  check_pg "$DB" "restore-backup"
  check_media "$MEDIA" "restore-backup"
  psql_q -d "$DB" -c 'VACUUM (FREEZE, ANALYZE)' >/dev/null
}
native_restore_checked() {
  drop_db "$DB_NATIVE"
  rm -rf "$RUN/native-media"
  measure restore-native native_restore "$RUN/native" "$DB_NATIVE" "$RUN/native-media"
  check_pg "$DB_NATIVE" "restore-native"
  check_media "$RUN/native-media" "restore-native"
}

round_restore() {
  BENCH_ID="$(basename "$(ls "$RUN/store-pg"/*.manifest.json | head -n 1)" .manifest.json)"
  export BENCH_ID
  if (( ROUND % 2 == 1 )); then
    lib_restore_checked
    native_restore_checked
    lib_restore_modes_checked
  else
    lib_restore_modes_checked
    native_restore_checked
    lib_restore_checked
  fi
  diff -r "$MEDIA" "$RUN/native-media" >/dev/null || die "round $ROUND: diff -r of the two restored media folders differs"
  drop_db "$DB_NATIVE"
  rm -rf "$RUN/native-media"
}

round_h2() {
  rm -rf "$RUN/store-h2"
  mkdir -p "$RUN/store-h2"
  rm -f "$H2_DIR"/bench.*
  cp "$DATA/h2-pristine.mv.db" "$H2_DIR/bench.mv.db"
  measure h2-create-lib lib_create_h2
  measure h2-restore-lib lib_restore_h2
  local got
  got="$(h2_digest)"
  [ "$got" = "$(cat "$DATA/h2.digest")" ] || { rm -f "$DATA/READY"; die "h2: the restored H2 database differs"; }
  check_media "$MEDIA" "h2-restore-lib"
}

export -f cli lib_create_pg lib_restore_pg lib_restore_pg_keepaside lib_restore_pg_backup lib_rollback_pg lib_create_h2 lib_restore_h2 native_create native_restore
export ROOT RUN MEDIA JAVA XMX JAR PG_URL H2_URL PG_BIN DB CDS JAVA_HOME_OF_JAVA

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
median() { # name file -> median seconds and max rss
  awk -F'\t' -v n="$1" '$3 == n { print $4 }' "$2" | sort -g | awk '
    { v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
      if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
max_rss_mib() { awk -F'\t' -v n="$1" '$3 == n && $5 > m { m = $5 } END { if (m) printf "%d\n", m / 1024; else print "-" }' "$2"; }
all_secs() { awk -F'\t' -v n="$1" '$3 == n { printf "%s%s", sep, $4; sep = ", " }' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx\n", a / b }'; }
# round_ratio LIB NATIVE FILE: the median (and range) of the ratios of the two runs of each round,
# which ran one after the other and so on a machine of about the same speed
round_ratio() {
  awk -F'\t' -v l="$1" -v n="$2" '$3 == l { a[$2] = $4 } $3 == n { b[$2] = $4 }
    END { for (r in a) if ((r in b) && b[r] > 0) print a[r] / b[r] }' "$3" | sort -g | awk '
    { v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.2fx (%.2f-%.2f)\n", m, v[1], v[NR] }'
}
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1000000 }'; }

data_sizes() { # scale -> "db_mb media_mb files"
  local db="bkbench_${1}_${WORK_HASH}"
  local dbsize=0 media=0 files=0
  db_exists "$db" && dbsize=$(psql_q -d "$db" -Atc "select pg_database_size(current_database())")
  if [ -d "$WORK/data-$1/media" ]; then
    media=$(find "$WORK/data-$1/media" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    files=$(find "$WORK/data-$1/media" -type f | wc -l)
  fi
  local h2=0
  [ -f "$WORK/data-$1/h2-pristine.mv.db" ] && h2=$(stat -c %s "$WORK/data-$1/h2-pristine.mv.db")
  printf '%s %s %s %s\n' "$(mb "$dbsize")" "$(mb "$media")" "$files" "$(mb "$h2")"
}

write_report() {
  local r="$RESULTS" tmp="$REPORT.tmp"
  local cl cn rl rn hc hr
  cl=$(median create-lib "$r"); cn=$(median create-native "$r")
  rl=$(median restore-lib "$r"); rn=$(median restore-native "$r")
  hc=$(median h2-create-lib "$r"); hr=$(median h2-restore-lib "$r")
  read -r db_mb media_mb media_files h2_mb < <(data_sizes "$SCALE")
  {
    echo "# Benchmarks"
    echo
    echo "Generated by \`benchmarks/run.sh\` (DESIGN.md section 10, issue 10). Re-run it to refresh."
    echo
    echo "## Run"
    echo
    echo "- Command: \`$COMMAND_LINE\` (started $START_DATE, finished $END_DATE)"
    echo "- Library: backupkit ${LIB_REV:-$(lib_rev) (recorded at report time)}, \`./backup\` with \`JAVA_OPTS=-Xmx$XMX\` (class-data archives: $CDS; $CLI_VERSION, jar built $CLI_STAMP; $("$JAVA" -version 2>&1 | head -n 1)), filesystem storage, zstd level 3 (default workers)"
    echo "- Machine: $(nproc) CPUs ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)), $(free -g | awk '/^Mem:/ { print $2 }') GiB memory, disk: $(df -h "$WORK" | awk 'NR == 2 { print $1 " (" $2 ", " $5 " used)" }')$(lsblk -d -n -o ROTA "$(df "$WORK" | awk 'NR == 2 { print $1 }')" 2>/dev/null | awk '{ print ", lsblk ROTA=" $1 }'); the data fits in the page cache"
    echo "- Tools: PostgreSQL $(psql_q -d postgres -Atc 'show server_version' | cut -d' ' -f1), $("$PG_BIN/pg_dump" --version), $(zstd --version | sed 's/^\*\*\* //; s/, by.*//'), $(tar --version | head -n 1)"
    echo "- Load: load average $LOAD_START at the start, $LOAD_END at the end; 1-minute load after each measurement $(awk -F'\t' 'NR == 1 || $6 < lo { lo = $6 } $6 > hi { hi = $6 } END { print lo " to " hi }' "$r"). Other processes using CPU at the start: $BUSY_START"
    echo "- Data ($SCALE): PostgreSQL database of $db_mb MB (items: text, jsonb, text[]; attachments: random bytea, 4 KiB a row), media folder of $media_mb MB in $media_files files (three quarters random, one quarter text), H2 database of $H2_ROWS rows of text, JSON and random binary (a $h2_mb MB file)"
    if [ -f "$WORK/sizes-$SCALE.tsv" ]; then
      read -r _ ldb lmed ndb nmed < "$WORK/sizes-$SCALE.tsv"
      echo "- Stored sizes: library dump $(mb "$ldb") MB + media $(mb "$lmed") MB; native dump $(mb "$ndb") MB + media $(mb "$nmed") MB"
    fi
    echo
    echo "## Results ($SCALE scale, rounds: $ROUNDS, medians)"
    echo
    echo "| Operation | backupkit (s) | native (s) | ratio | per round: median (range) | target | backupkit peak RSS (MiB) | native peak RSS (MiB) | -Xmx | all runs, backupkit / native (s) |"
    echo "|---|---:|---:|---:|---|---|---:|---:|---|---|"
    echo "| create: PostgreSQL + media | $cl | $cn | $(ratio "$cl" "$cn") | $(round_ratio create-lib create-native "$r") | <= 1.10x | $(max_rss_mib create-lib "$r") | $(max_rss_mib create-native "$r") | $XMX | $(all_secs create-lib "$r") / $(all_secs create-native "$r") |"
    echo "| restore --safety=none: PostgreSQL + media | $rl | $rn | $(ratio "$rl" "$rn") | $(round_ratio restore-lib restore-native "$r") | <= 1.10x | $(max_rss_mib restore-lib "$r") | $(max_rss_mib restore-native "$r") | $XMX | $(all_secs restore-lib "$r") / $(all_secs restore-native "$r") |"
    local rk rb rr
    rk=$(median restore-keepaside "$r"); rb=$(median restore-backup "$r"); rr=$(median rollback "$r")
    echo "| restore, default (--safety=keep-aside): PostgreSQL + media | $rk | $rn | $(ratio "$rk" "$rn") | $(round_ratio restore-keepaside restore-native "$r") | <= 1.10x | $(max_rss_mib restore-keepaside "$r") | $(max_rss_mib restore-native "$r") | $XMX | $(all_secs restore-keepaside "$r") / $(all_secs restore-native "$r") |"
    echo "| rollback (after the default restore) | $rr | - | - | - | < 5 s | $(max_rss_mib rollback "$r") | - | $XMX | $(all_secs rollback "$r") |"
    echo "| restore --safety=backup: PostgreSQL + media | $rb | $rn | $(ratio "$rb" "$rn") | $(round_ratio restore-backup restore-native "$r") | - | $(max_rss_mib restore-backup "$r") | $(max_rss_mib restore-native "$r") | $XMX | $(all_secs restore-backup "$r") / $(all_secs restore-native "$r") |"
    echo "| create: H2 + media (embedded default) | $hc | - | - | - | - | $(max_rss_mib h2-create-lib "$r") | - | $XMX | $(all_secs h2-create-lib "$r") |"
    echo "| restore: H2 + media (embedded default) | $hr | - | - | - | - | $(max_rss_mib h2-restore-lib "$r") | - | $XMX | $(all_secs h2-restore-lib "$r") |"
    echo
    echo "Peak RSS is GNU time's \`%M\`: the largest single process of the tree (for backupkit the JVM,"
    echo "which also runs pg_dump / pg_restore / psql as children; for native the largest of pg_dump,"
    echo "zstd, tar, pg_restore). Native create: \`pg_dump -Fc -Z0 | zstd -T0\` concurrently with"
    echo "\`tar -I 'zstd -T0' -cf\`. Native restore: \`CREATE DATABASE\` (timed), then \`zstd -dc | pg_restore -d\`"
    echo "concurrently with \`tar -I zstd -xf\` into a fresh folder. backupkit restore: \`restore latest --yes"
    echo "--no-safety-backup\` over the live database and media folder, verify-before-apply included."
    echo "Every restore was checked: row counts and md5 of every row of every table, md5 of every media file."
    echo "\"ratio\" is the ratio of the medians (the targets' measure); \"per round\" is the median and range of"
    echo "the ratios of the two runs of each round, which ran one after the other (on a shared VM whose"
    echo "speed drifts, neighbouring runs are the fairer pair)."
    echo
    # scale notes: every scale with results in this work folder
    local s n=0
    for s in small full; do [ -f "$WORK/results-$s.tsv" ] && n=$((n + 1)); done
    if [ "$n" -ge 2 ]; then
      echo "## Scale notes: small vs full (same machine, same script)"
      echo
      echo "| Scale | PostgreSQL (MB) | media (MB) | create backupkit / native (s) | restore backupkit / native (s) | backupkit create / restore (MB/s of database + media) | H2 create / restore (s) | backupkit peak RSS create / restore (MiB) |"
      echo "|---|---:|---:|---|---|---|---|---|"
      for s in small full; do
        [ -f "$WORK/results-$s.tsv" ] || continue
        local f="$WORK/results-$s.tsv"
        read -r sdb smed _ _ < <(data_sizes "$s")
        local sc sr
        sc=$(median create-lib "$f"); sr=$(median restore-lib "$f")
        echo "| $s (rounds: $(cut -f2 "$f" | sort -u | wc -l)) | $sdb | $smed | $sc / $(median create-native "$f") | $sr / $(median restore-native "$f") | $(awk -v d=$((sdb + smed)) -v c="$sc" -v r="$sr" 'BEGIN { printf "%.0f / %.0f", d / c, d / r }') | $(median h2-create-lib "$f") / $(median h2-restore-lib "$f") | $(max_rss_mib create-lib "$f") / $(max_rss_mib restore-lib "$f") |"
      done
      echo
      # a straight line through the two sizes: fixed cost (start-up, probes) and cost per GB
      local xs xf
      read -r sdb smed _ _ < <(data_sizes small); xs=$((sdb + smed))
      read -r sdb smed _ _ < <(data_sizes full); xf=$((sdb + smed))
      echo "A straight line through the two sizes (time = fixed + size x per-GB cost; database + media MB):"
      echo
      echo "| Operation | backupkit fixed (s) | backupkit per GB (s) | native fixed (s) | native per GB (s) | ratio of the per-GB costs (the ratio for large data) |"
      echo "|---|---:|---:|---:|---:|---:|"
      local op
      for op in create restore; do
        awk -v xs="$xs" -v xf="$xf" -v op="$op" \
          -v ls="$(median "$op-lib" "$WORK/results-small.tsv")" -v lf="$(median "$op-lib" "$WORK/results-full.tsv")" \
          -v ns="$(median "$op-native" "$WORK/results-small.tsv")" -v nf="$(median "$op-native" "$WORK/results-full.tsv")" 'BEGIN {
            bl = (lf - ls) / (xf - xs) * 1000; al = ls - bl * xs / 1000
            bn = (nf - ns) / (xf - xs) * 1000; an = ns - bn * xs / 1000
            printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2fx |\n", op, al, bl, an, bn, (bn > 0 ? bl / bn : 0) }'
      done
      echo
    fi
    if [ -f "$ROOT/benchmarks/NOTES.md" ]; then
      cat "$ROOT/benchmarks/NOTES.md"
    fi
  } > "$tmp"
  mv "$tmp" "$REPORT"
  log "report written to $REPORT"
}

cleanup() {
  if [ "$CLEAN" = 1 ]; then
    log "cleaning up"
    drop_db "$DB_NATIVE" || true
    drop_db "$DB_WARM" || true
    rm -rf "$RUN"
    if [ "$KEEP_DATA" = 0 ]; then
      drop_db "$DB" || true
      # only what this script wrote; DIR itself goes only when that leaves it empty
      rm -rf "$DATA" "$RESULTS" "$RESULTS.partial" "$WORK/sizes-$SCALE.tsv" "$WORK/meta-$SCALE.sh" \
        "$WORK/backup-cli-$SCALE.jar" "$WORK/backup-cli-$SCALE.jar.tmp" "$WORK/backup-cli-$SCALE".*.jsa
      find "$WORK" -maxdepth 1 -name ".backup-cli-$SCALE.*" -delete 2>/dev/null || true
      rmdir "$WORK" 2>/dev/null || true
    fi
  fi
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
if [ "$REPORT_ONLY" = 1 ]; then
  [ -f "$RESULTS" ] && [ -f "$WORK/meta-$SCALE.sh" ] || die "no results of a $SCALE run in $WORK"
  # shellcheck disable=SC1090
  . "$WORK/meta-$SCALE.sh"
  write_report
  exit 0
fi
START_DATE="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
# CPU use of the other processes over 2 seconds (top's second sample), summed per command name
BUSY_START="$(top -b -n 2 -d 2 -w 200 2>/dev/null | awk '/^top -/ { block++ } block == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 0 { cpu[$12] += $9 }
  END { for (c in cpu) if (cpu[c] >= 5) printf "%s %d%%\n", c, cpu[c] }' | sort -k2 -rn | head -n 8 | paste -sd, - | sed 's/,/, /g')"
[ -n "$BUSY_START" ] || BUSY_START="none above 5% of a CPU"
trap cleanup EXIT
prepare_data
# the same starting state for every run: all tuples frozen and hinted, statistics fresh
psql_q -d "$DB" -c 'VACUUM (FREEZE, ANALYZE)' >/dev/null
rm -rf "$RUN"
mkdir -p "$RUN/logs" "$RUN/spool"
warm_up
: > "$RESULTS.partial"
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  round_create
  round_restore
  round_h2
done
mv "$RESULTS.partial" "$RESULTS"
END_DATE="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
declare -p COMMAND_LINE START_DATE END_DATE LOAD_START LOAD_END BUSY_START CLI_VERSION CLI_STAMP LIB_REV ROUNDS XMX \
  | sed 's/^declare -- /declare -g /' > "$WORK/meta-$SCALE.sh"
write_report
log "done: create $(median create-lib "$RESULTS") s vs $(median create-native "$RESULTS") s native; restore $(median restore-lib "$RESULTS") s vs $(median restore-native "$RESULTS") s native; H2 create $(median h2-create-lib "$RESULTS") s, restore $(median h2-restore-lib "$RESULTS") s"
