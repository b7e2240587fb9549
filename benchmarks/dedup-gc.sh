#!/usr/bin/env bash
# Reads one dedup backup the way a restore does (backup-core's test class RestoreProbe) (the dump through DumpStream, the media folder as
# the tar the extractor gets), into nothing, at -Xmx64m; prints CPU seconds, the G1 collections and
# the bytes allocated (JFR allocation samples). No database or media folder is touched, so it can
# run on a busy machine: compare CPU seconds and GC counts, not wall time.
#
#   benchmarks/dedup-gc.sh STORE BACKUP-ID [CLASSPATH]
#
# STORE: a filesystem dedup location (e.g. WORK/store-dedup that benchmarks/dedup.sh left; it is
# only read), CLASSPATH: the CLI jar, or class folders (default: the jar backup-cli/target holds).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STORE="${1:?usage: benchmarks/dedup-gc.sh STORE BACKUP-ID [JAR]}"
BACKUP="${2:?usage: benchmarks/dedup-gc.sh STORE BACKUP-ID [JAR]}"
JAR="${3:-$ROOT/backup-cli/target/backup-cli.jar}"
OUT="$(mktemp -d)"
javac -nowarn -d "$OUT" -cp "$JAR" "$ROOT/backup-core/src/test/java/io/backupkit/backup/core/internal/dedup/RestoreProbe.java"
/usr/bin/time -f "cpu user %U s, sys %S s, wall %e s, peak RSS %M KiB" -o "$OUT/time" \
  java -Xmx64m -Xlog:gc:file="$OUT/gc.log" -XX:StartFlightRecording=filename="$OUT/rec.jfr" \
  -cp "$OUT:$JAR" io.backupkit.backup.core.internal.dedup.RestoreProbe "$STORE" "$BACKUP" 2>&1 | grep -v -e 'Started recording' -e 'jcmd' -e '^$' || true
cat "$OUT/time"
G="$OUT/gc.log"
echo "G1: $(grep -c 'Pause' "$G") pauses, $(grep -c 'Concurrent Mark Cycle$' "$G") concurrent cycles," \
  "$(grep -c 'Pause Full' "$G") full, $(grep -c 'Humongous Allocation' "$G") started by a humongous allocation"
jfr print --events jdk.ObjectAllocationSample "$OUT/rec.jfr" | awk '/weight =/{w=$3; u=$4;
  if (u=="kB") w*=1024; else if (u=="MB") w*=1048576; else if (u=="GB") w*=1073741824; t+=w}
  END {printf "allocated (JFR samples): %.0f MB\n", t/1048576}'
echo "logs: $OUT"
