#!/usr/bin/env bash
# CI smoke test of the benchmark (issue 10: "a test in CI that runs the benchmark script on a small
# scale so it does not rot"). Runs benchmarks/run.sh --scale small --rounds 1 in a temporary work
# folder (about 50 MB database, 40 MB media, 10 MB H2; well under 3 minutes), which exits non-zero
# when a backup or restore fails or the restored data differs from the original. Times are printed
# but not asserted. Its databases and work folder are removed at the end, pass or fail.
#
#   benchmarks/ci-smoke.sh            (from .ci/run, after the build: it uses backup-cli.jar)
#
# Needs PostgreSQL on $PGHOST:$PGPORT (default 127.0.0.1:5432, user postgres, trust), zstd, GNU tar,
# /usr/bin/time (installed with apt-get when missing and running as root) and java 17.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/backupkit-bench-smoke.XXXXXX")"
report="$(mktemp "${TMPDIR:-/tmp}/backupkit-bench-smoke-report.XXXXXX")"
status=0
"$here/run.sh" --scale small --rounds 1 --work "$work" --report "$report" --clean "$@" || status=$?
rm -rf "$work"
# the dedup format against archive and restic (issue 21), small scale: every restore is checked
if [ "$status" = 0 ]; then
  "$here/dedup.sh" --scale small --work "$work-dedup" --report "$report-dedup" --clean || status=$?
  [ -f "$report-dedup" ] && cat "$report-dedup"
  rm -rf "$work-dedup" "$report-dedup"
fi
if [ "$status" = 0 ]; then
  sed -n '/^## Results/,/^Peak RSS/p' "$report" | sed '$d'
  rm -f "$report"
  echo "[bench] smoke test passed"
else
  rm -f "$report"
  echo "[bench] smoke test FAILED (exit $status)" >&2
fi
exit "$status"
