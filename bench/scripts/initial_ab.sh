#!/usr/bin/env bash
# A/B of initial tree syncs from a directory into an empty folder, alternating: two repomirror jars
# (A and B, each with its own class-data archive, -Xmx512m), then rsync -a of the same tree; each
# timed up to a final sync(1), so both pay for durability; N rounds. Prints "<name> <seconds> <max
# RSS KiB>" per run; a run that fails or does not end "outcome: ok" says so loudly instead of a time.
# Usage: initial_ab.sh A.jar B.jar SRC WORK [N]   (WORK: a folder on the same disk, emptied per run)
set -euo pipefail
a=$1 b=$2 src=$3 work=$4 n=${5:-3}
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
log="$(mktemp)"
trap 'rm -f "$log" "$log.time"' EXIT
fresh() { rm -rf "$work/dest"; mkdir -p "$work/dest"; sync; }
run() {
  local jar=$1
  fresh
  if ! /usr/bin/time -f "%e %M" -o "$log.time" sh -c '"$0" -Xmx512m -XX:+AutoCreateSharedArchive \
    -XX:SharedArchiveFile="$1" -jar "$2" sync --mode tree --upstream "file://$3" --root "$4" \
    --hostname bench > "$5" 2>&1 && sync' "$java" "${jar%.jar}.jsa" "$jar" "$src" "$work/dest" "$log"; then
    echo "BENCHMARK RUN FAILED: $jar (exit code; $(tail -1 "$log"))"
    return
  fi
  grep -q "^outcome: ok" "$log" || { echo "BENCHMARK RUN FAILED: $jar did not end ok"; return; }
  cat "$log.time"
}
rsync_run() {
  fresh
  /usr/bin/time -f "%e %M" -o "$log.time" sh -c 'rsync -a "$0/" "$1/" && sync' "$src" "$work/dest" \
    || { echo "BENCHMARK RUN FAILED: rsync"; return; }
  cat "$log.time"
}
for _ in $(seq 1 "$n"); do
  echo "A $(run "$a")"
  echo "B $(run "$b")"
  echo "rsync $(rsync_run)"
done
rm -rf "$work/dest"
