#!/usr/bin/env bash
# A/B of no-change tree syncs from a directory, alternating: two repomirror jars (A and B, each
# with its own class-data archive, -Xmx512m), then rsync -a of the same tree; N rounds after one
# warm-up run of each jar. Prints "<name> <seconds> <max RSS KiB>" per run; a run that fails or
# does not end "outcome: ok" says so loudly instead of a time.
# Usage: nochange_ab.sh A.jar B.jar SRC MIRROR RSYNC_COPY [N]
# The mirror and the rsync copy must already hold SRC (one initial sync of each).
set -euo pipefail
a=$1 b=$2 src=$3 mirror=$4 copy=$5 n=${6:-5}
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
log="$(mktemp)"
trap 'rm -f "$log" "$log.time"' EXIT
run() {
  local jar=$1
  if ! /usr/bin/time -f "%e %M" -o "$log.time" "$java" -Xmx512m -XX:+AutoCreateSharedArchive \
    -XX:SharedArchiveFile="${jar%.jar}.jsa" -jar "$jar" sync --mode tree --upstream "file://$src" \
    --root "$mirror" --hostname bench --max-delete 1000000 > "$log" 2>&1; then
    echo "BENCHMARK RUN FAILED: $jar (exit code; $(tail -1 "$log"))"
    return
  fi
  grep -q "^outcome: ok" "$log" || { echo "BENCHMARK RUN FAILED: $jar did not end ok"; return; }
  cat "$log.time"
}
run "$a" > /dev/null
run "$b" > /dev/null
for _ in $(seq 1 "$n"); do
  echo "A $(run "$a")"
  echo "B $(run "$b")"
  /usr/bin/time -f "rsync %e %M" rsync -a --delete "$src/" "$copy/" 2>&1
done
