#!/usr/bin/env bash
# Profiles one backupkit create or restore of the benchmark data with Java Flight Recorder, to find
# where the time goes when a target of BENCHMARKS.md is missed.
#
#   benchmarks/profile.sh create|restore [--scale small|full] [--work DIR] [--out FILE.jfr]
#
# Uses the data, databases and jar snapshot that benchmarks/run.sh left in DIR (run it first, same
# --scale and --work). `create` writes a backup into DIR/profile-store; `restore` restores the
# latest backup there over the benchmark database and media folder (run `create` first). Prints:
#   - wall time and peak RSS (GNU time);
#   - the thread timeline (start/end of the engine's threads: verify, dump, pg_restore pump, ...),
#     which shows which phases run one after the other;
#   - the hottest Java frames (jdk.ExecutionSample) and native frames (jdk.NativeMethodSample).
# The recording stays in FILE.jfr (default /tmp/backupkit-<op>.jfr) for `jfr print` or JMC.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OP="${1:-}"
case "$OP" in create|restore) shift ;; *) echo "usage: benchmarks/profile.sh create|restore [--scale small|full] [--work DIR] [--out FILE.jfr]" >&2; exit 2 ;; esac
SCALE=full
WORK="$ROOT/benchmarks/work"
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
WORK="$(cd "$WORK" && pwd)"
OUT="${OUT:-/tmp/backupkit-$OP.jfr}"
JAR="$WORK/backup-cli-$SCALE.jar"
[ -f "$JAR" ] && [ -f "$WORK/data-$SCALE/READY" ] || { echo "profile.sh: run benchmarks/run.sh --scale $SCALE --work $WORK first" >&2; exit 1; }
command -v jfr >/dev/null || { echo "profile.sh: the jfr tool (JDK) is missing" >&2; exit 1; }

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
DB="bkbench_${SCALE}_$(printf '%s' "$WORK" | cksum | cut -d' ' -f1)"
mkdir -p "$WORK/profile-store" "$WORK/profile-spool"
if [ "$OP" = create ]; then
  args=(create)
else
  args=(restore latest --yes --no-safety-backup)
fi
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '(^|_)BACKUP_' || true)
env BACKUP_STORAGE=filesystem BACKUP_DIR="$WORK/profile-store" \
  BACKUP_DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" BACKUP_DATABASE_USER="$PGUSER" \
  BACKUP_MEDIA_DIR="$WORK/data-$SCALE/media" BACKUP_SPOOL_DIR="$WORK/profile-spool" BACKUP_COMPRESSION=zstd \
  /usr/bin/time -f "$OP: %e s wall, peak RSS %M KiB, user %U s, sys %S s" \
  java "-Xmx${BENCH_XMX:-64m}" "-XX:StartFlightRecording=filename=$OUT,settings=profile" \
  -jar "$JAR" --quiet "${args[@]}" 2>&1 | grep -v '^\[.*jfr' || true
if [ "$OP" = restore ]; then
  echo "note: the benchmark database and media folder now hold the profiled restore; run.sh checks them on its next run"
fi

echo
echo "== thread timeline (UTC)"
jfr print --events jdk.ThreadStart,jdk.ThreadEnd "$OUT" | awk '
  /^jdk\.Thread(Start|End)/ { ev = ($1 ~ /Start/) ? "start" : "end  " }
  /^  startTime = / { t = $3 }
  /^  thread = / { name = $0; sub(/^  thread = "/, "", name); sub(/".*/, "", name)
                   if (name !~ /^(JFR|Logging-Cleaner|Notification|Common-Cleaner|Attach)/) print t, ev, name }'

echo
echo "== hottest Java frames (jdk.ExecutionSample, top of stack)"
jfr print --events jdk.ExecutionSample "$OUT" | grep -A1 'stackTrace = \[' | grep -v 'stackTrace\|^--' \
  | sed 's/line:.*//; s/^ *//' | sort | uniq -c | sort -rn | head -n 15
echo
echo "== samples per thread"
jfr print --events jdk.ExecutionSample "$OUT" | sed -n 's/^ *sampledThread = "\([^"]*\)".*/\1/p' | sort | uniq -c | sort -rn | head
echo
echo "== hottest native frames (jdk.NativeMethodSample: threads in JNI, e.g. zstd, or blocked in I/O)"
jfr print --events jdk.NativeMethodSample "$OUT" | grep -A1 'stackTrace = \[' | grep -v 'stackTrace\|^--' \
  | sed 's/line:.*//; s/^ *//' | sort | uniq -c | sort -rn | head -n 10
