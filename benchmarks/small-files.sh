#!/usr/bin/env bash
# backupkit benchmark, many small files: a media-only create and restore of a folder of 100,000
# files of 1-7 KiB (like an application's thumbnails) against GNU tar + zstd, side by side.
#
#   benchmarks/small-files.sh [--files N] [--rounds N] [--work DIR] [--jar JAR] [--before JAR] [--no-build]
#
#   --files N    files in the media folder (default 100000), 1,000 to a subfolder
#   --rounds N   rounds, alternating which side goes first (default 3; medians are printed)
#   --work DIR   data, backups and results (default benchmarks/work/small-files, gitignored); the
#                generated folder is reused when it is there with the same file count
#   --jar JAR    the command line jar to measure (default backup-cli/target/backup-cli.jar, built
#                first through ./backup --version unless --no-build)
#   --before JAR another build of the jar measured in the same rounds (its own backup folder), for a
#                before/after comparison
#
# Each round, each with `/usr/bin/time -f '%e %U %S'` (wall, user and system CPU seconds):
#   create   library: ./backup create (media only, filesystem storage, zstd)
#            native:  tar -I 'zstd -T0 -3' -cf
#   restore  library: ./backup restore latest --yes --no-safety-backup over the live folder
#            (digest verified, staged beside it, swapped in, the old folder deleted), and the
#            default ./backup restore latest --yes (the old folder kept aside), then ./backup rollback
#            --yes (timed too)
#            native:  tar -I zstd -xf into a fresh folder, and the same followed by `sync -f`
#            (what flushing the restored files to disk costs; the library does not sync them)
# After every restore the folder is compared with the original (diff -r); a difference fails.
# Results: DIR/results.tsv (one line per run) and a Markdown table on stdout: median wall seconds
# and median CPU seconds (user + system of the whole process tree).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILES=100000
ROUNDS=3
WORK="$ROOT/benchmarks/work/small-files"
JAR="$ROOT/backup-cli/target/backup-cli.jar"
BEFORE=""
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --files) FILES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --jar) JAR="$2"; BUILD=0; shift 2 ;;
    --before) BEFORE="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "small-files.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
log() { printf '[small-files %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '(^|_)BACKUP_' || true)
unset JAVA_OPTS

mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
DATA="$WORK/data-$FILES"
MEDIA="$WORK/media"
STORE="$WORK/store"
RESULTS="$WORK/results.tsv"

if [ "$BUILD" = 1 ]; then
  "$ROOT/backup" --version >/dev/null
fi
cp "$JAR" "$WORK/backup-cli.jar"
SIDES=(library)
if [ -n "$BEFORE" ]; then
  cp "$BEFORE" "$WORK/backup-cli-before.jar"
  SIDES+=(before)
fi
jar_of() { if [ "$1" = before ]; then echo "$WORK/backup-cli-before.jar"; else echo "$WORK/backup-cli.jar"; fi; }

if [ ! -f "$DATA/.complete" ]; then
  log "generating $FILES files of 1-7 KiB in $DATA"
  rm -rf "$DATA"
  python3 - "$DATA" "$FILES" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d)
    size = rnd.randint(1024, 7 * 1024)
    # three quarters incompressible (thumbnails), one quarter text-like
    data = os.urandom(size) if i % 4 else (b"thumbnail %d " % i * size)[:size]
    with open(os.path.join(d, "t%06d.jpg" % i), "wb") as f:
        f.write(data)
PY
  touch "$DATA/.complete"
fi

lib() { # side args...: the command line tool of that side, as users run it (launcher, class-data archive)
  local side="$1"
  shift
  env BACKUP_STORAGE=filesystem BACKUP_DIR="$STORE-$side" BACKUP_MEDIA_DIR="$MEDIA" BACKUP_SPOOL_DIR="$WORK/spool" \
    BACKUP_COMPRESSION=zstd BACKUP_CLI_JAR="$(jar_of "$side")" JAVA_OPTS="-Xmx64m" "$ROOT/backup" --quiet "$@"
}
timed() { # label command...: appends "label wall user sys" to RESULTS
  local label="$1"
  shift
  /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
  printf '%s\t%s\n' "$label" "$(tail -n 1 "$WORK/time" | tr ' ' '\t')" >> "$RESULTS"
  log "$label: $(tail -n 1 "$WORK/time")"
}
same() { diff -r --no-dereference "$DATA" "$1" >/dev/null || { echo "restored folder $1 differs from $DATA" >&2; exit 1; }; }

rm -rf "$MEDIA" "$STORE"-* "$WORK/spool" "$WORK/native" "$WORK/native.tar.zst"
cp -a "$DATA" "$MEDIA"
: > "$RESULTS"
log "warming up (class-data archives of create and restore)"
for side in "${SIDES[@]}"; do
  for _ in 1 2; do lib "$side" create >/dev/null; lib "$side" restore latest --yes --no-safety-backup >/dev/null; done
done
same "$MEDIA"

# each side keeps only the backup the next restore uses
lib_create() { rm -rf "$STORE-$1"; timed "create-$1" bash -c "$(declare -f lib jar_of); $(declare -p STORE MEDIA WORK ROOT); lib $1 create"; }
nat_create() { rm -f "$WORK/native.tar.zst"; timed create-tar tar -I 'zstd -T0 -3' -cf "$WORK/native.tar.zst" -C "$MEDIA" .; }
lib_restore() { timed "restore-$1" bash -c "$(declare -f lib jar_of); $(declare -p STORE MEDIA WORK ROOT); lib $1 restore latest --yes --no-safety-backup"; same "$MEDIA"; }
# the default restore keeps the old folder aside; the rollback after it puts that back (and leaves
# nothing kept aside, so every round's default restore starts alike)
lib_restore_default() {
  timed "restore-default-$1" bash -c "$(declare -f lib jar_of); $(declare -p STORE MEDIA WORK ROOT); lib $1 restore latest --yes"
  same "$MEDIA"
  timed "rollback-$1" bash -c "$(declare -f lib jar_of); $(declare -p STORE MEDIA WORK ROOT); lib $1 rollback --yes"
  same "$MEDIA"
}
nat_restore() {
  rm -rf "$WORK/native"; mkdir "$WORK/native"; sync
  timed restore-tar tar -I zstd -xf "$WORK/native.tar.zst" -C "$WORK/native"
  same "$WORK/native"
  rm -rf "$WORK/native"; mkdir "$WORK/native"; sync
  timed restore-tar+sync sh -c 'tar -I zstd -xf "$1" -C "$2" && sync -f "$2"' sh "$WORK/native.tar.zst" "$WORK/native"
}

for r in $(seq 1 "$ROUNDS"); do
  log "round $r of $ROUNDS"
  sync
  if [ $((r % 2)) = 1 ]; then order=("${SIDES[@]}" native); else order=(native); for ((i=${#SIDES[@]}-1; i>=0; i--)); do order+=("${SIDES[$i]}"); done; fi
  for side in "${order[@]}"; do if [ "$side" = native ]; then nat_create; else lib_create "$side"; fi; done
  sync
  for side in "${order[@]}"; do if [ "$side" = native ]; then nat_restore; else lib_restore "$side"; fi; done
  for side in "${SIDES[@]}"; do lib_restore_default "$side"; done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
m() { awk -F '\t' -v l="$1" '$1 == l {print $2}' "$RESULTS" | median; }
cpu() { awk -F '\t' -v l="$1" '$1 == l {print $3 + $4}' "$RESULTS" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
echo "| $FILES files, $(du -sm "$DATA" | cut -f1) MB, $ROUNDS rounds, medians | wall s | CPU s | wall / tar | CPU / tar |"
echo "|---|---|---|---|---|"
for op in create restore; do
  for side in tar "${SIDES[@]}"; do
    [ "$op" = restore ] && [ "$side" = tar ] && continue
    echo "| $op, $side | $(m "$op-$side") | $(cpu "$op-$side") | $(ratio "$(m "$op-$side")" "$(m "$op-tar")") | $(ratio "$(cpu "$op-$side")" "$(cpu "$op-tar")") |"
  done
  if [ "$op" = restore ]; then
    for side in "${SIDES[@]}"; do
      echo "| restore (default: old folder kept aside), $side | $(m "restore-default-$side") | $(cpu "restore-default-$side") | $(ratio "$(m "restore-default-$side")" "$(m restore-tar)") | $(ratio "$(cpu "restore-default-$side")" "$(cpu restore-tar)") |"
      echo "| rollback after it, $side | $(m "rollback-$side") | $(cpu "rollback-$side") | | |"
    done
    echo "| restore, tar -x (fresh folder) | $(m restore-tar) | $(cpu restore-tar) | 1.00x | 1.00x |"
    echo "| restore, tar -x + sync -f | $(m restore-tar+sync) | $(cpu restore-tar+sync) | | |"
  fi
done
